using System.Collections.Immutable;

namespace Orleans.Sente.Grains;

/// <summary>
/// One shard of the presence index. Soft state like the routes: a user grain re-announces its
/// presence when it recovers clients after a silo loss.
/// </summary>
internal sealed class PresenceShardGrain : Grain, IPresenceShardGrain
{
    private readonly Dictionary<string, PresenceUpdate> _users = new(StringComparer.Ordinal);

    public Task UpdateAsync(PresenceUpdate update)
    {
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

    public Task<ImmutableArray<PresenceUpdate>> GetAllAsync() => Task.FromResult(_users.Values.ToImmutableArray());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The index must outlive idle periods: a shard is written only on transitions.
        DelayDeactivation(TimeSpan.FromDays(365));
        return Task.CompletedTask;
    }
}
