namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>Bounds for awaited signals: generous, since the machine is small and shared.</summary>
internal static class Timeouts
{
    public static readonly TimeSpan Start = TimeSpan.FromSeconds(90);
    public static readonly TimeSpan Frame = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often a bounded wait asks again for state that no event announces (a port listening,
    /// a readiness endpoint, a stored value); every such wait has a deadline.
    /// </summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);
}
