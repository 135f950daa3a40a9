using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Sente.Grains;

/// <summary>
/// Keeps the leases of live front ends. Soft state: after a silo loss it re-activates empty
/// and refills within one renewal period, since every front end renews every few seconds.
/// </summary>
internal sealed partial class FrontEndRegistryGrain(
    IOptions<SenteGrainOptions> options,
    IClusterMembershipService membership,
    TimeProvider clock,
    ILogger<FrontEndRegistryGrain> logger) : Grain, IFrontEndRegistryGrain, IFrontEndLeaseGrain
{
    private static readonly TimeSpan GoneMemory = TimeSpan.FromMinutes(10);
    private readonly Dictionary<string, FrontEndLease> _live = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _gone = new(StringComparer.Ordinal);
    private DateTime _activated;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Renewals every few seconds keep it busy, but a cluster with no front end for the
        // collection age would lose the memory of which front ends have gone: keep it.
        DelayDeactivation(TimeSpan.MaxValue);
        _activated = Now;
        return Task.CompletedTask;
    }

    public Task<LeaseGrant> RenewAsync(string frontEndId, IFrontEndObserver observer)
    {
        var period = options.Value.LeasePeriod;
        if (!_live.ContainsKey(frontEndId))
        {
            LogFrontEndJoined(logger, frontEndId);
        }

        _live[frontEndId] = new FrontEndLease(frontEndId, observer, Now + period);
        var wasGone = _gone.Remove(frontEndId);
        return Task.FromResult(new LeaseGrant(period, wasGone));
    }

    public Task RemoveAsync(string frontEndId)
    {
        if (_live.Remove(frontEndId))
        {
            LogFrontEndSaidGoodbye(logger, frontEndId);
            _gone[frontEndId] = Now;
        }

        return Task.CompletedTask;
    }

    public Task<FrontEndSnapshot> GetLiveAsync()
    {
        Prune();
        // A registry that re-activated after a silo loss starts empty and fills as front ends
        // renew (every third of a lease); after half a lease every live front end has renewed.
        // In a cluster that never lost a silo it cannot be missing any: it activated on the
        // first registration.
        var settled = Now - _activated >= options.Value.LeasePeriod / 2
            || !membership.CurrentSnapshot.Members.Values.Any(m => m.Status is SiloStatus.Dead or SiloStatus.ShuttingDown or SiloStatus.Stopping);
        return Task.FromResult(new FrontEndSnapshot(_live.Values.ToImmutableArray(), settled));
    }

    public Task<ImmutableArray<string>> GetGoneAsync()
    {
        Prune();
        return Task.FromResult(_gone.Keys.ToImmutableArray());
    }

    public Task BroadcastAsync(SenteEvent @event, PushOptions? options = null)
    {
        Prune();
        var flush = options?.Flush ?? false;
        foreach (var lease in _live.Values)
        {
            Unawaited.Observe(
                lease.Observer.BroadcastAsync(@event, flush),
                ((ILogger)logger, lease.FrontEndId),
                static (s, e) => LogBroadcastFailed(s.Item1, s.FrontEndId, e));
        }

        return Task.CompletedTask;
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private void Prune()
    {
        var now = Now;
        foreach (var (id, lease) in _live)
        {
            if (lease.ExpiresUtc < now)
            {
                _live.Remove(id);
                _gone[id] = now;
                LogFrontEndLeaseExpired(logger, id);
            }
        }

        foreach (var (id, at) in _gone)
        {
            if (now - at > GoneMemory)
            {
                _gone.Remove(id);
            }
        }
    }

    [LoggerMessage(EventId = 1175, Level = LogLevel.Warning, Message = "Could not send a broadcast to front end {FrontEndId}")]
    private static partial void LogBroadcastFailed(ILogger logger, string frontEndId, Exception exception);

    [LoggerMessage(EventId = 1176, Level = LogLevel.Information, Message = "Front end {FrontEndId} joined")]
    private static partial void LogFrontEndJoined(ILogger logger, string frontEndId);

    /// <summary>A front end stopping in order: the normal end of its life, not a fault.</summary>
    [LoggerMessage(EventId = 1177, Level = LogLevel.Information, Message = "Front end {FrontEndId} left: it said goodbye")]
    private static partial void LogFrontEndSaidGoodbye(ILogger logger, string frontEndId);

    /// <summary>A front end that stopped renewing its lease: it crashed, stalled or lost the silos.</summary>
    [LoggerMessage(EventId = 1178, Level = LogLevel.Warning, Message = "Front end {FrontEndId} left: its lease expired")]
    private static partial void LogFrontEndLeaseExpired(ILogger logger, string frontEndId);
}
