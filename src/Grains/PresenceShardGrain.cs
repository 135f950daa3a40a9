using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Sente.Grains;

/// <summary>
/// One shard of the presence index. Soft state like the routes: a shard that activates empty
/// (after its silo was lost) asks the live front ends which of their users fall in it, and a
/// user grain's own updates override what the front ends reported.
/// </summary>
internal sealed partial class PresenceShardGrain(
    FrontEndDirectory directory,
    IOptions<SenteGrainOptions> options,
    ILogger<PresenceShardGrain> logger) : Grain, IPresenceShardGrain
{
    private readonly Dictionary<string, PresenceUpdate> _users = new(StringComparer.Ordinal);
    private HashSet<string>? _updatedDuringRebuild;
    private Task _rebuild = Task.CompletedTask;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The index must outlive idle periods: a shard is written only on transitions.
        DelayDeactivation(TimeSpan.FromDays(365));
        _updatedDuringRebuild = new HashSet<string>(StringComparer.Ordinal);
        _rebuild = RebuildAsync();
        return Task.CompletedTask;
    }

    public Task UpdateAsync(PresenceUpdate update)
    {
        _updatedDuringRebuild?.Add(update.UserKey);

        // Within one activation of a user grain, an older update that arrives late is ignored; a new
        // activation (new epoch) always wins, since it speaks for the user now.
        if (_users.TryGetValue(update.UserKey, out var known) && known.Epoch == update.Epoch && known.Version >= update.Version)
        {
            return Task.CompletedTask;
        }

        if (update.Transports == PresenceTransports.None)
        {
            _users.Remove(update.UserKey);
        }
        else
        {
            _users[update.UserKey] = update;
        }

        return Task.CompletedTask;
    }

    public async Task<ImmutableArray<PresenceUpdate>> GetAllAsync()
    {
        await _rebuild;
        return _users.Values.ToImmutableArray();
    }

    public async Task<PresenceUpdate?> GetAsync(string userKey)
    {
        await _rebuild;
        return _users.GetValueOrDefault(userKey);
    }

    /// <summary>How many times the rebuild asks a live front end that did not answer in time.</summary>
    private const int RebuildAttempts = 3;

    private async Task RebuildAsync()
    {
        var o = options.Value;
        var shard = (int)this.GetPrimaryKeyLong();
        try
        {
            var live = await directory.GetLiveAsync(o.LeasePeriod).WaitAsync(o.LeasePeriod + o.RebuildTimeout);
            var answers = await Task.WhenAll(live.Select(async lease =>
            {
                // A user grain that re-activates trusts this shard when it does not list its user
                // (it then asks no front end): a live front end that misses one bound, busy after a
                // silo loss, is asked again before its users are left out.
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        return await lease.Observer.GetPresenceOfShardAsync(shard, o.PresenceShards).WaitAsync(o.RebuildTimeout);
                    }
                    catch (Exception e)
                    {
                        LogRebuildFailed(logger, shard, lease.FrontEndId, e);
                        if (attempt >= RebuildAttempts || directory.IsGone(lease.FrontEndId))
                        {
                            return [];
                        }
                    }
                }
            }));

            var found = 0;
            foreach (var update in answers.SelectMany(a => a))
            {
                // A user whose grain spoke since this activation began is already right.
                if (_updatedDuringRebuild!.Contains(update.UserKey))
                {
                    continue;
                }

                _users[update.UserKey] = _users.TryGetValue(update.UserKey, out var seen)
                    ? seen with { Transports = seen.Transports | update.Transports }
                    : update;
                found++;
            }

            if (found > 0)
            {
                LogRebuilt(logger, shard, found);
            }
        }
        catch (Exception e)
        {
            LogRebuildFailed(logger, shard, "registry", e);
        }
        finally
        {
            _updatedDuringRebuild = null;
        }
    }

    [LoggerMessage(EventId = 1230, Level = LogLevel.Information, Message = "Presence shard {Shard} re-activated and recovered {Count} users from the front ends")]
    private static partial void LogRebuilt(ILogger logger, int shard, int count);

    [LoggerMessage(EventId = 1231, Level = LogLevel.Warning, Message = "Presence shard {Shard} could not ask {Source} for its users")]
    private static partial void LogRebuildFailed(ILogger logger, int shard, string source, Exception exception);
}
