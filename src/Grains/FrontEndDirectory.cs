using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Routing;

namespace Orleans.Sente.Grains;

/// <summary>
/// This silo's cached view of the front-end registry: which front ends are live and which
/// have gone. Refreshed every couple of seconds by one loop per silo, so that user grains can
/// drop routes through a dead front end without asking anyone.
/// </summary>
/// <remarks>
/// It also knows, per front end, which user grains of this silo hold routes through it: each user
/// grain says so when it takes a route (and takes its key back when it holds none through that
/// front end any more), in memory, with no message. When a refresh finds a front end newly gone
/// (its lease expired, or it said goodbye), the loop tells exactly those grains to park their
/// routes through it, so that an idle user behind a dead front end goes offline after its grace
/// period without waiting for a push to find the dead route. The cost is one local call per
/// affected user per front-end death, and none while front ends live: no per-connection traffic.
/// A grain that moves to another silo (its silo died) registers there when its rebuild finds
/// its routes.
/// </remarks>
internal sealed partial class FrontEndDirectory(IGrainFactory grains, FrontEndOutbox outbox, ILogger<FrontEndDirectory> logger) : BackgroundService
{
    internal static readonly TimeSpan RefreshInterval = FrontEndTimings.DirectoryRefresh;
    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(250);
    private const int DropParallelism = 32;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _usersVia = new(StringComparer.Ordinal);
    private ImmutableHashSet<string> _gone = ImmutableHashSet<string>.Empty;

    /// <summary>True when the front end has left the cluster (lease expired or goodbye).</summary>
    public bool IsGone(string frontEndId) => Volatile.Read(ref _gone).Contains(frontEndId);

    /// <summary>
    /// A front end that had been counted as gone is attaching its connections again: it renewed its
    /// lease, so stop parking routes through it now rather than at the next refresh.
    /// </summary>
    public void MarkLive(string frontEndId) => ImmutableInterlocked.Update(ref _gone, static (gone, id) => gone.Remove(id), frontEndId);

    /// <summary>The user grain <paramref name="userKey"/> of this silo holds a route through <paramref name="frontEndId"/>.</summary>
    public void Track(string frontEndId, string userKey) =>
        _usersVia.GetOrAdd(frontEndId, static _ => new ConcurrentDictionary<string, byte>(StringComparer.Ordinal)).TryAdd(userKey, 0);

    /// <summary>The user grain <paramref name="userKey"/> holds no route through <paramref name="frontEndId"/> any more.</summary>
    public void Untrack(string frontEndId, string userKey)
    {
        if (_usersVia.TryGetValue(frontEndId, out var users))
        {
            users.TryRemove(userKey, out _);
        }
    }

    /// <summary>
    /// The live front ends, asked of the registry now. When the registry has just re-activated
    /// (a silo was lost), waits until every front end has had time to renew, within a bound.
    /// </summary>
    public async Task<ImmutableArray<FrontEndLease>> GetLiveAsync(TimeSpan settleWithin)
    {
        var deadline = DateTime.UtcNow + settleWithin;
        while (true)
        {
            var snapshot = await grains.GetFrontEndLeases().GetLiveAsync();
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
                var gone = (await grains.GetFrontEndLeases().GetGoneAsync()).ToImmutableHashSet(StringComparer.Ordinal);
                Volatile.Write(ref _gone, gone);
                outbox.Forget(gone);
                foreach (var frontEndId in gone)
                {
                    if (_usersVia.TryRemove(frontEndId, out var users) && !users.IsEmpty)
                    {
                        await DropAsync(frontEndId, users.Keys, stoppingToken);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Tells the user grains with routes through a front end that has gone to park them.</summary>
    private async Task DropAsync(string frontEndId, ICollection<string> userKeys, CancellationToken stoppingToken)
    {
        LogDroppingFrontEnd(logger, frontEndId, userKeys.Count);
        await Parallel.ForEachAsync(userKeys, new ParallelOptions { MaxDegreeOfParallelism = DropParallelism, CancellationToken = stoppingToken }, async (key, _) =>
        {
            try
            {
                await grains.GetUserRoutingGrainByKey(key).DropFrontEndAsync(frontEndId);
            }
            catch (Exception e)
            {
                LogDropFailed(logger, frontEndId, key, e);
            }
        });
    }

    [LoggerMessage(EventId = 1171, Level = LogLevel.Debug, Message = "Could not refresh the front-end directory")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1172, Level = LogLevel.Information, Message = "Front end {FrontEndId} has gone; parking the routes of {Count} users through it")]
    private static partial void LogDroppingFrontEnd(ILogger logger, string frontEndId, int count);

    [LoggerMessage(EventId = 1173, Level = LogLevel.Warning, Message = "Could not tell user grain {UserKey} that front end {FrontEndId} has gone; a push will find it")]
    private static partial void LogDropFailed(ILogger logger, string frontEndId, string userKey, Exception exception);
}
