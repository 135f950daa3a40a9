namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>Bounds for awaited signals: generous, since the machine is small and shared.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan Frame = TimeSpan.FromSeconds(10);
}
