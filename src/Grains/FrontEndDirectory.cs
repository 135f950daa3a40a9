using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Grains;

/// <summary>
/// This silo's cached view of the front-end registry: which front ends are live and which
/// have gone. Refreshed every couple of seconds by one loop per silo, so that user grains can
/// drop routes through a dead front end without asking anyone.
/// </summary>
internal sealed partial class FrontEndDirectory(IGrainFactory grains, FrontEndOutbox outbox, ILogger<FrontEndDirectory> logger) : BackgroundService
{
    internal static readonly TimeSpan RefreshInterval = FrontEndTimings.DirectoryRefresh;
    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(250);
    private ImmutableHashSet<string> _gone = ImmutableHashSet<string>.Empty;

    /// <summary>True when the front end has left the cluster (lease expired or goodbye).</summary>
    public bool IsGone(string frontEndId) => Volatile.Read(ref _gone).Contains(frontEndId);

    /// <summary>
    /// A front end that had been counted as gone is attaching its connections again: it renewed its
    /// lease, so stop parking routes through it now rather than at the next refresh.
    /// </summary>
    public void MarkLive(string frontEndId) => ImmutableInterlocked.Update(ref _gone, static (gone, id) => gone.Remove(id), frontEndId);

    /// <summary>
    /// The live front ends, asked of the registry now. When the registry has just re-activated
    /// (a silo was lost), waits until every front end has had time to renew, within a bound.
    /// </summary>
    public async Task<ImmutableArray<FrontEndLease>> GetLiveAsync(TimeSpan settleWithin)
    {
        var deadline = DateTime.UtcNow + settleWithin;
        while (true)
        {
            var snapshot = await grains.GetFrontEndRegistry().GetLiveAsync();
            if (snapshot.Settled || DateTime.UtcNow >= deadline)
            {
                return snapshot.Live;
            }

            await Task.Delay(SettlePoll);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval);
        do
        {
            try
            {
                var gone = await grains.GetFrontEndRegistry().GetGoneAsync();
                Volatile.Write(ref _gone, gone.ToImmutableHashSet(StringComparer.Ordinal));
                outbox.Forget(gone);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not refresh the front-end directory")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
