using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// This front end's identity in the cluster: its id, its observer (held strongly: Orleans
/// holds observers weakly and would silently drop a collected one), and its lease in the
/// front-end registry, renewed at a third of the lease period. On stop it says goodbye and
/// closes its sockets with a reason that makes clients reconnect elsewhere at once.
/// </summary>
internal sealed partial class FrontEnd(
    IGrainFactory grains,
    ConnectionStore connections,
    SenteMetrics metrics,
    EventDispatcher dispatcher,
    GroupIndex groups,
    ILogger<FrontEnd> logger) : BackgroundService
{
    /// <summary>The second pass of a re-attach: after every silo refreshed its view of the registry (<see cref="FrontEndTimings"/>).</summary>
    private static readonly TimeSpan ReattachAgainAfter = FrontEndTimings.ReattachAgainAfter;
    private const int ReattachParallelism = 16;

    private readonly TaskCompletionSource<IFrontEndObserver> _reference = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FrontEndObserver? _observer;
    private TaskCompletionSource? _renewalsPaused;
    private bool _crashed;

    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}"[..^24];

    /// <summary>The observer reference, once this front end has registered it.</summary>
    public Task<IFrontEndObserver> ReferenceAsync => _reference.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _observer = new FrontEndObserver(connections, Id, metrics, dispatcher, grains, groups, logger);
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
                    LogLeaseLapsed(logger, Id, connections.Count);
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
    /// <paramref name="the returned action"/> is called, its sockets are cut without a close frame.
    /// </summary>
    internal Action CrashForTests()
    {
        PauseRenewals();
        Volatile.Write(ref _crashed, true);
        _observer!.Crashed = true;
        return () =>
        {
            foreach (var connection in connections.All)
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

            await Parallel.ForEachAsync(connections.All, new ParallelOptions { MaxDegreeOfParallelism = ReattachParallelism }, async (connection, _) =>
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

    /// <summary>
    /// Tells the user's grain that one of its connections here ended (retried while a silo
    /// moves its grains); runs in the background, so a closing socket never waits on it.
    /// </summary>
    public void Forget(SenteConnection connection)
    {
        if (!Volatile.Read(ref _crashed))
        {
            ForgetAsync(connection).Ignore();
        }
    }

    private async Task ForgetAsync(SenteConnection connection)
    {
        try
        {
            var user = grains.GetUserRoutingGrain(connection.UserId);
            await GrainRetry.RunAsync(() => user.DetachAsync(connection.ClientId, Id, connection.Id), CancellationToken.None);
        }
        catch (Exception e)
        {
            LogForgetFailed(logger, e, connection.Id);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var connection in connections.All)
        {
            connection.Close(SenteCloseReason.ServerStopping);
        }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Front end {FrontEndId} had been counted as gone (its lease lapsed); attaching its {Count} connections again")]
    private static partial void LogLeaseLapsed(ILogger logger, string frontEndId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not attach connection {ConnectionId} again")]
    private static partial void LogReattachFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the cluster that connection {ConnectionId} closed")]
    private static partial void LogForgetFailed(ILogger logger, Exception exception, long connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Front end {FrontEndId} registered with the cluster")]
    private static partial void LogRegistered(ILogger logger, string frontEndId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Front end {FrontEndId} could not renew its lease")]
    private static partial void LogRenewFailed(ILogger logger, string frontEndId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Front end {FrontEndId} could not say goodbye to the registry")]
    private static partial void LogGoodbyeFailed(ILogger logger, string frontEndId, Exception exception);
}
