namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>Bounds for awaited signals: generous, since the machine is small and shared.</summary>
internal static class Timeouts
{
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan Frame = TimeSpan.FromSeconds(15);
}
