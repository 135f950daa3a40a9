namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Bounded retry for grain calls made on behalf of a socket: while a silo dies, calls to its
/// grains fail for several seconds before the grains re-activate elsewhere.
/// </summary>
internal static class GrainRetry
{
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(Func<Task> call, CancellationToken cancellationToken, TimeSpan? budget = null)
    {
        var deadline = DateTime.UtcNow + (budget ?? DefaultBudget);
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            try
            {
                await call();
                return;
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow + delay < deadline && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
            }
        }
    }

    private static bool IsTransient(Exception e) =>
        e is OrleansException or TimeoutException or System.Net.Sockets.SocketException
        || e.GetType().Name.Contains("Connection", StringComparison.Ordinal);
}
