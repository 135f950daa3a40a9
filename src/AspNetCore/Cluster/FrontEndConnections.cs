using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// This front end's connections and its place in the cluster: the one owner of the soft state that
/// front ends and user grains keep together. The transports open and close their connections here,
/// and nothing else in the front end calls the user grains' routing side or the front-end registry.
/// <list type="bullet">
/// <item>The store: every open connection, by id and by user, where the grains' deliveries find it.</item>
/// <item>Open: a connection enters the store and its groups and is attached to its user's grain
/// (retried while a silo moves its grains), before its client may be pushed to.</item>
/// <item>Close: it leaves the store and its groups, and its user's grain is told in the background
/// (detach), so that a closing socket never waits on the cluster.</item>
/// <item>The observer: one per front end, held strongly (Orleans holds observers weakly and would
/// silently drop a collected one), which grains call to write into the sockets.</item>
/// <item>The lease: renewed in the registry at a third of its period. A renewal that finds the lease
/// had lapsed (a stall, or the silos out of reach: they parked this front end's routes) attaches every
/// open connection again, twice (see <see cref="FrontEndTimings"/>).</item>
/// <item>Stop: every socket is closed with a reason that makes clients reconnect elsewhere at once,
/// and the front end says goodbye to the registry.</item>
/// </list>
/// </summary>
internal sealed partial class FrontEndConnections(
    IGrainFactory grains,
    SenteMetrics metrics,
    EventDispatcher dispatcher,
    GroupIndex groups,
    ILogger<FrontEndConnections> logger) : BackgroundService
{
    /// <summary>The second pass of a re-attach: after every silo refreshed its view of the registry (<see cref="FrontEndTimings"/>).</summary>
    private static readonly TimeSpan ReattachAgainAfter = FrontEndTimings.ReattachAgainAfter;
    private const int ReattachParallelism = 16;

    private readonly ConnectionStore _store = new();
    private readonly TaskCompletionSource<IFrontEndObserver> _reference = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FrontEndObserver? _observer;
    private TaskCompletionSource? _renewalsPaused;
    private bool _crashed;

    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"[..^24];

    /// <summary>
    /// Completes once this front end has registered its observer with the cluster: grains can reach
    /// its sockets from then on, and connections may be opened.
    /// </summary>
    public Task Registered => _reference.Task;

    /// <summary>How many connections are open here.</summary>
    public int Count => _store.Count;

    /// <summary>Every open connection, enumerated live (see <see cref="ConnectionStore.All"/>).</summary>
    public ConnectionStore.Connections All => _store.All;

    /// <summary>The open connections of one user here.</summary>
    public IReadOnlyList<SenteConnection> OfUser(string? userId) => _store.OfUser(userId);

    /// <summary>An id for a new connection, unique within this front end.</summary>
    public long NextId() => _store.NextId();

    /// <summary>
    /// Opens a connection: it enters the store and its groups, and its route is attached to its
    /// user's grain, retried while a silo moves its grains (<see cref="GrainRetry"/>). Returns whether
    /// the cluster already knew the client (it was connected somewhere). Throws when the cluster could
    /// not be reached within the retry budget, or when <paramref name="aborted"/> fires: the caller
    /// then closes the connection, and reports its end through <see cref="Closed"/> as always.
    /// Called once <see cref="Registered"/> has completed.
    /// </summary>
    /// <param name="connection">The new connection, whose handshake (if any) is queued but not sent.</param>
    /// <param name="resume">What the client says it last received, when it sends resume marks back.</param>
    /// <param name="aborted">The request that carries the connection went away.</param>
    public async Task<bool> OpenAsync(SenteConnection connection, ResumePoint? resume, CancellationToken aborted)
    {
        var reference = await _reference.Task;
        _store.Add(connection);
        var joined = groups.JoinAsync(connection, Id, reference);
        metrics.Opened(connection.Transport);
        var user = grains.GetUserRoutingGrain(connection.UserId);
        var route = connection.RouteVia(Id, reference);
        var known = false;
        await GrainRetry.RunAsync(async () => known = await user.AttachAsync(route, resume), aborted);
        await joined;
        return known;
    }

    /// <summary>
    /// A connection ended: it leaves the store and its groups, and, with <paramref name="detach"/>,
    /// its user's grain is told that its route through here is gone (in the background, retried
    /// while a silo moves its grains). Without, the grain needs no word: it already knows (an Ajax
    /// session that a newer connection took over, or that the grain closed), it never knew (the
    /// cluster was unavailable when the session opened), or it learns from this front end's goodbye
    /// (an Ajax session closed as the front end stops). Ending a connection twice does nothing more.
    /// </summary>
    public void Closed(SenteConnection connection, bool detach)
    {
        if (_store.Remove(connection))
        {
            groups.Leave(connection);
            metrics.Closed(connection.Transport);
        }

        if (detach && !Volatile.Read(ref _crashed))
        {
            DetachAsync(connection).Ignore();
        }
    }

    /// <summary>Closes every open connection with <paramref name="reason"/>; each reports its end through <see cref="Closed"/>.</summary>
    public void CloseAll(SenteCloseReason reason)
    {
        foreach (var connection in _store.All)
        {
            connection.Close(reason);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _observer = new FrontEndObserver(_store, Id, metrics, dispatcher, grains, groups, logger);
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (Volatile.Read(ref _renewalsPaused) is { } paused)
            {
                await paused.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                continue;
            }

            try
            {
                var reference = _reference.Task.IsCompleted
                    ? _reference.Task.Result
                    : grains.CreateObjectReference<IFrontEndObserver>(_observer);
                _observer.Reference = reference;
                var lease = await grains.GetFrontEndLeases().RenewAsync(Id, reference).WaitAsync(stoppingToken);
                if (_reference.TrySetResult(reference))
                {
                    LogRegistered(logger, Id);
                }

                if (lease.WasGone)
                {
                    // The lease had lapsed (a stall, or the silos out of reach) and the silos parked
                    // this front end's routes: attach every open connection again.
                    LogLeaseLapsed(logger, Id, _store.Count);
                    ReattachAllAsync(reference, stoppingToken).Ignore();
                }

                delay = lease.Period / 3;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogRenewFailed(logger, Id, e);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 2));
            }

            try
            {
                await Task.Delay(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Stops renewing the lease, without a goodbye, until <see cref="ResumeRenewals"/>: what a
    /// front end that stalled or lost the silos looks like to the cluster. For tests of lease expiry.
    /// </summary>
    internal void PauseRenewals() =>
        Interlocked.CompareExchange(ref _renewalsPaused, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);

    /// <summary>
    /// What a killed front end looks like to the cluster and its clients, for tests in one process:
    /// no renewal, no goodbye, no detach; calls to its observer are lost from now on; once
    /// the returned action is called, its sockets are cut without a close frame.
    /// </summary>
    internal Action CrashForTests()
    {
        PauseRenewals();
        Volatile.Write(ref _crashed, true);
        _observer!.Crashed = true;
        return () =>
        {
            foreach (var connection in _store.All)
            {
                if (connection is WebSocketConnection ws)
                {
                    ws.Abort(SenteCloseReason.ServerStopping);
                }
                else
                {
                    connection.Close(SenteCloseReason.ServerStopping);
                }
            }
        };
    }

    /// <summary>Renews the lease again at once after <see cref="PauseRenewals"/>.</summary>
    internal void ResumeRenewals() => Interlocked.Exchange(ref _renewalsPaused, null)?.TrySetResult();

    /// <summary>
    /// Attaches every open connection again, now and once more after every silo's view of the
    /// registry (refreshed every 2 s) has seen this front end live: a push in between may have parked
    /// a route again through the stale view. Attaching a connection that is attached is a no-op.
    /// </summary>
    private async Task ReattachAllAsync(IFrontEndObserver reference, CancellationToken stoppingToken)
    {
        for (var pass = 0; pass < 2 && !stoppingToken.IsCancellationRequested; pass++)
        {
            if (pass > 0)
            {
                await Task.Delay(ReattachAgainAfter, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await Parallel.ForEachAsync(_store.All, new ParallelOptions { MaxDegreeOfParallelism = ReattachParallelism }, async (connection, _) =>
            {
                try
                {
                    await grains.GetUserRoutingGrain(connection.UserId).ReattachAsync(connection.RouteVia(Id, reference));
                }
                catch (Exception e)
                {
                    LogReattachFailed(logger, e, connection.Id);
                }
            });
        }
    }

    /// <summary>Tells the user's grain that one of its connections here ended, retried while a silo moves its grains.</summary>
    private async Task DetachAsync(SenteConnection connection)
    {
        try
        {
            var user = grains.GetUserRoutingGrain(connection.UserId);
            await GrainRetry.RunAsync(() => user.DetachAsync(connection.ClientId, Id, connection.Id), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogDetachFailed(logger, e, connection.Id);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        CloseAll(SenteCloseReason.ServerStopping);
        try
        {
            await grains.GetFrontEndLeases().RemoveAsync(Id).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception e)
        {
            LogGoodbyeFailed(logger, Id, e);
        }

        await base.StopAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1160, Level = LogLevel.Information, Message = "Front end {FrontEndId} registered with the cluster")]
    private static partial void LogRegistered(ILogger logger, string frontEndId);

    [LoggerMessage(EventId = 1161, Level = LogLevel.Warning, Message = "Front end {FrontEndId} could not renew its lease")]
    private static partial void LogRenewFailed(ILogger logger, string frontEndId, Exception exception);

    [LoggerMessage(EventId = 1162, Level = LogLevel.Warning, Message = "Front end {FrontEndId} had been counted as gone (its lease lapsed); attaching its {Count} connections again")]
    private static partial void LogLeaseLapsed(ILogger logger, string frontEndId, int count);

    [LoggerMessage(EventId = 1163, Level = LogLevel.Warning, Message = "Could not attach connection {ConnectionId} again")]
    private static partial void LogReattachFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(EventId = 1164, Level = LogLevel.Warning, Message = "Could not tell the cluster that connection {ConnectionId} closed")]
    private static partial void LogDetachFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(EventId = 1165, Level = LogLevel.Warning, Message = "Front end {FrontEndId} could not say goodbye to the registry")]
    private static partial void LogGoodbyeFailed(ILogger logger, string frontEndId, Exception exception);
}
