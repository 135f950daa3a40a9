using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Which of this front end's connections belong to which group, so that a group push arrives here
/// once and is written to each member connection locally.
/// </summary>
/// <remarks>
/// Per user with connections here, the user's groups (its <see cref="UserGroups"/>, asked once when
/// its first connection opens here, then kept up to date by the user's record when it changes); per
/// group, its member connections and the gate that puts the group's pushes back in order. The cases
/// that change a connection's groups:
/// <list type="number">
/// <item>a connection opens: indexed at once if its user is known here, else once the user's groups come;</item>
/// <item>a connection ends: taken out of its groups; the user is forgotten with its last connection;</item>
/// <item>a user's groups change: every connection of the user here is indexed again.</item>
/// </list>
/// A group whose member count here goes from 0 to 1 subscribes to the group grain, in a new
/// generation (again each time: a grain that re-activated may not know this front end); a group push
/// that finds no member here asks to be left out, for that generation only, so a request overtaken
/// by a newer subscription is ignored. Answers about versions keep the newest, so an answer that
/// took longer than a change never undoes it.
/// </remarks>
internal sealed partial class GroupIndex(IGrainFactory grains, SenteMetrics metrics, ILogger<GroupIndex> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserEntry> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupEntry> _groups = new(StringComparer.Ordinal);

    /// <summary>
    /// Indexes a new connection in its groups; completes when the groups are known here and the front
    /// end subscribed to them (never throws: a failure is logged, and the connection serves on).
    /// </summary>
    public async Task JoinAsync(SenteConnection connection, string frontEndId, IFrontEndObserver reference)
    {
        if (connection.UserId is null)
        {
            return;
        }

        var key = SenteKeys.UserKey(connection.UserId);
        UserEntry entry;
        List<(GroupEntry Group, long Generation)>? subscribe = null;
        var load = false;
        lock (_lock)
        {
            if (!_users.TryGetValue(key, out entry!))
            {
                entry = new UserEntry();
                _users[key] = entry;
                load = true;
            }

            entry.Connections[connection] = [];
            Reindex(entry, ref subscribe);
        }

        try
        {
            if (load)
            {
                entry.Loaded.TrySetResult(await grains.GetGrain<IUserGroupsGrain>(key).GetAsync());
            }

            Apply(key, entry, await entry.Loaded.Task, ref subscribe);
        }
        catch (Exception e)
        {
            entry.Loaded.TrySetResult(null);
            LogLoadFailed(logger, e, connection.UserId);
        }

        await SubscribeAsync(subscribe, frontEndId, reference);
    }

    /// <summary>Takes an ended connection out of its groups.</summary>
    public void Leave(SenteConnection connection)
    {
        if (connection.UserId is null)
        {
            return;
        }

        var key = SenteKeys.UserKey(connection.UserId);
        lock (_lock)
        {
            if (!_users.TryGetValue(key, out var entry) || !entry.Connections.Remove(connection, out var groups))
            {
                return;
            }

            foreach (var groupKey in groups)
            {
                _groups[groupKey].Remove(connection);
            }

            if (entry.Connections.Count == 0)
            {
                _users.Remove(key);
            }
        }
    }

    /// <summary>A user's groups changed: its connections here are indexed again before this completes.</summary>
    public Task ChangedAsync(string? userId, UserGroups groups, string frontEndId, IFrontEndObserver reference)
    {
        var key = SenteKeys.UserKey(userId);
        List<(GroupEntry Group, long Generation)>? subscribe = null;
        UserEntry? entry;
        lock (_lock)
        {
            _users.TryGetValue(key, out entry);
        }

        if (entry is null)
        {
            return Task.CompletedTask;
        }

        Apply(key, entry, groups, ref subscribe);
        return SubscribeAsync(subscribe, frontEndId, reference);
    }

    /// <summary>Whether a connection of the group's members is here now.</summary>
    public bool HasMembers(string groupKey)
    {
        lock (_lock)
        {
            return _groups.TryGetValue(groupKey, out var group) && !group.Members.IsEmpty;
        }
    }

    /// <summary>
    /// Writes a group push, in the group's order, to the group's member connections here. A push that
    /// finds none asks the group to leave this front end out until a member connection opens here again.
    /// </summary>
    public void Deliver(GroupDelivery delivery, string frontEndId)
    {
        GroupEntry? group;
        var leaveOut = 0L;
        lock (_lock)
        {
            _groups.TryGetValue(delivery.GroupKey, out group);
            if (group is { Members.IsEmpty: true } && group.LeftOut != group.Generation)
            {
                group.LeftOut = leaveOut = group.Generation;
            }
        }

        if (group is null)
        {
            metrics.Dropped("no-group-members");
            return;
        }

        group.Deliver(delivery, metrics, logger);
        if (leaveOut > 0)
        {
            grains.GetGrain<IGroupFanOutGrain>(group.Key).UnsubscribeAsync(frontEndId, leaveOut).Ignore();
        }
    }

    private void Apply(string key, UserEntry entry, UserGroups? groups, ref List<(GroupEntry Group, long Generation)>? subscribe)
    {
        lock (_lock)
        {
            if (groups is null || groups.Version <= entry.Groups.Version
                || !_users.TryGetValue(key, out var current) || !ReferenceEquals(current, entry))
            {
                return;
            }

            entry.Groups = groups;
            Reindex(entry, ref subscribe);
        }
    }

    /// <summary>Puts every connection of a user in the groups it belongs to now, and in no other (under the lock).</summary>
    private void Reindex(UserEntry entry, ref List<(GroupEntry Group, long Generation)>? subscribe)
    {
        foreach (var (connection, was) in entry.Connections.ToArray())
        {
            var now = entry.Groups.Of(connection.ClientId).ToImmutableArray();
            foreach (var groupKey in was.Except(now, StringComparer.Ordinal))
            {
                _groups[groupKey].Remove(connection);
            }

            foreach (var groupKey in now.Except(was, StringComparer.Ordinal))
            {
                if (!_groups.TryGetValue(groupKey, out var group))
                {
                    group = new GroupEntry(groupKey);
                    _groups[groupKey] = group;
                }

                if (group.Add(connection))
                {
                    (subscribe ??= []).Add((group, group.Generation));
                }
            }

            entry.Connections[connection] = now;
        }
    }

    private async Task SubscribeAsync(List<(GroupEntry Group, long Generation)>? groups, string frontEndId, IFrontEndObserver reference)
    {
        if (groups is null)
        {
            return;
        }

        await Task.WhenAll(groups.Select(async subscription =>
        {
            try
            {
                await grains.GetGrain<IGroupFanOutGrain>(subscription.Group.Key).SubscribeAsync(frontEndId, reference, subscription.Generation);
            }
            catch (Exception e)
            {
                LogSubscribeFailed(logger, e, subscription.Group.Key);
            }
        }));
    }

    private sealed class UserEntry
    {
        /// <summary>Version -1: not known yet (any answer is newer).</summary>
        public UserGroups Groups { get; set; } = UserGroups.None with { Version = -1 };

        public TaskCompletionSource<UserGroups?> Loaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The user's connections here, each with the groups it is indexed in.</summary>
        public Dictionary<SenteConnection, ImmutableArray<string>> Connections { get; } = [];
    }

    private sealed class GroupEntry(string key)
    {
        private readonly SequenceGate _gate = new();
        private readonly List<(PackedEvent, bool, long)> _ready = new(4);

        public string Key { get; } = key;

        /// <summary>Replaced on change (under the index's lock), read without it by deliveries.</summary>
        public ImmutableArray<SenteConnection> Members { get; private set; } = [];

        /// <summary>Counts the subscriptions of this front end to the group: one per time its member count here leaves 0.</summary>
        public long Generation { get; private set; }

        /// <summary>The generation this front end last asked the group to be left out in (0: never).</summary>
        public long LeftOut { get; set; }

        /// <summary>Adds a member connection; true when it is the first one here (subscribe, in a new generation).</summary>
        public bool Add(SenteConnection connection)
        {
            Members = Members.Add(connection);
            if (Members.Length > 1)
            {
                return false;
            }

            Generation++;
            return true;
        }

        public void Remove(SenteConnection connection) => Members = Members.Remove(connection);

        public void Deliver(GroupDelivery delivery, SenteMetrics metrics, ILogger logger)
        {
            // The observer runs its calls one at a time; the lock keeps the gate safe regardless.
            lock (_ready)
            {
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                var skipped = _gate.SkipIfStuck(_ready, now, (long)(SequenceGate.GapTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency));
                if (skipped > 0)
                {
                    metrics.Dropped("sequence-gap", (int)skipped);
                }

                var dropped = _gate.Admit(delivery.Epoch, delivery.Sequence, new PackedEvent(delivery.Event), delivery.Flush, 0, _ready, now, out var reason);
                if (dropped > 0)
                {
                    metrics.Dropped(reason!, dropped);
                }

                var members = Members;
                foreach (var (packed, flush, _) in _ready)
                {
                    foreach (var connection in members)
                    {
                        try
                        {
                            connection.Enqueue(packed, flush);
                        }
                        catch (Exception e)
                        {
                            LogDeliveryFailed(logger, e, connection.Id, Key);
                        }
                    }
                }

                _ready.Clear();
            }
        }
    }

    [LoggerMessage(EventId = 1190, Level = LogLevel.Warning, Message = "Could not learn the groups of user {UserId}; its connection here gets no group pushes until they change")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string? userId);

    [LoggerMessage(EventId = 1191, Level = LogLevel.Warning, Message = "Could not subscribe to group {GroupKey}")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string groupKey);

    [LoggerMessage(EventId = 1192, Level = LogLevel.Error, Message = "A push of group {GroupKey} to connection {ConnectionId} failed; the other connections are served")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, long connectionId, string groupKey);
}
