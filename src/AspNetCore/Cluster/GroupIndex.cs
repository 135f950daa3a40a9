using System.Collections.Immutable;
using System.Diagnostics;
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
/// <item>a connection ends, or a newer connection of its client takes it over: taken out of its
/// groups, its positions kept a while for that newer connection; the user is forgotten with its
/// last connection;</item>
/// <item>a user's groups change: every connection of the user here is indexed again.</item>
/// </list>
/// A group whose member count here goes from 0 to 1 subscribes to the group grain, in a new
/// generation (again each time: a grain that re-activated may not know this front end); a group push
/// that finds no member here asks to be left out, for that generation only, so a request overtaken
/// by a newer subscription is ignored. Answers about versions keep the newest, so an answer that
/// took longer than a change never undoes it.
/// <para>
/// A new connection may belong to a client that was here or elsewhere a moment ago and missed group
/// pushes meanwhile. Until that is settled its group pushes wait beside it: its user grain names the
/// client's previous connection, whose front end says where its group pushes stopped (or the client
/// says so itself, in its resume mark); each group then sends what the client missed since, and
/// the pushes that waited follow, those the group's answer covered left out (docs/groups.md).
/// </para>
/// </remarks>
internal sealed partial class GroupIndex(IGrainFactory grains, SenteMetrics metrics, ILogger<GroupIndex> logger)
{
    /// <summary>How long the positions of an ended member connection are kept for a newer connection of its client: past any grace period.</summary>
    private static readonly TimeSpan EndedKept = TimeSpan.FromMinutes(1);

    /// <summary>Most group pushes that wait beside one connection for its catch-up; older ones are dropped and counted.</summary>
    private const int MostWaiting = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserEntry> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupEntry> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Indexed> _connections = [];
    private readonly Dictionary<long, ImmutableDictionary<string, GroupPosition>> _ended = [];
    private readonly Queue<(long ConnectionId, long At)> _endedOrder = new();

    /// <summary>
    /// Indexes a new connection in its groups; completes when the groups are known here and the front
    /// end subscribed to them (never throws: a failure is logged, and the connection serves on). What
    /// the client missed meanwhile follows in the background.
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

            var indexed = new Indexed(connection, key);
            entry.Connections[connection] = indexed;
            _connections[connection.Id] = indexed;
            Reindex(entry, ref subscribe);
        }

        try
        {
            if (load)
            {
                entry.Loaded.TrySetResult(await LoadAsync(key));
            }

            Apply(key, entry, await entry.Loaded.Task, ref subscribe);
        }
        catch (Exception e)
        {
            entry.Loaded.TrySetResult(null);
            LogLoadFailed(logger, e, connection.UserId);
        }

        await SubscribeAsync(subscribe, frontEndId, reference);
        CatchUpAsync(connection, frontEndId).Ignore();
    }

    /// <summary>
    /// A user's groups: none without a read of its groups record when its marker (kept with its
    /// last-seen time, which its coming online reads anyway) says it has none. A marker not known
    /// yet is told what the record holds.
    /// </summary>
    private async Task<UserGroups> LoadAsync(string key)
    {
        var marker = grains.GetGrain<IUserGroupsMarkerGrain>(key);
        var has = await marker.HasGroupsAsync();
        if (has == false)
        {
            return UserGroups.None;
        }

        var groups = await grains.GetGrain<IUserGroupsGrain>(key).GetAsync();
        if (has is null)
        {
            marker.NoteGroupsAsync(!groups.IsEmpty).Ignore();
        }

        return groups;
    }

    /// <summary>Takes an ended connection out of its groups, keeping its positions a while.</summary>
    public void Leave(SenteConnection connection)
    {
        lock (_lock)
        {
            Unindex(connection.Id);
        }
    }

    /// <summary>
    /// A newer connection of the client took this one over: it gets no more group pushes. Returns its
    /// positions per group (also after it ended, for a while); null when it is not known here.
    /// </summary>
    public ImmutableDictionary<string, GroupPosition>? Release(long connectionId)
    {
        lock (_lock)
        {
            return Unindex(connectionId) ?? _ended.GetValueOrDefault(connectionId);
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
            return _groups.TryGetValue(groupKey, out var group) && group.HasMembers;
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
            if (group is { HasMembers: false } && group.LeftOut != group.Generation)
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

    /// <summary>Takes a connection out of the index (under the lock); returns its positions, kept for a newer connection of its client.</summary>
    private ImmutableDictionary<string, GroupPosition>? Unindex(long connectionId)
    {
        if (!_connections.Remove(connectionId, out var indexed))
        {
            return null;
        }

        foreach (var groupKey in indexed.Groups)
        {
            _groups[groupKey].Remove(indexed.Connection);
        }

        if (_users.TryGetValue(indexed.UserKey, out var entry) && entry.Connections.Remove(indexed.Connection) && entry.Connections.Count == 0)
        {
            _users.Remove(indexed.UserKey);
        }

        var positions = indexed.Connection.GroupsIfAny?.Positions() ?? ImmutableDictionary<string, GroupPosition>.Empty;
        var now = Stopwatch.GetTimestamp();
        while (_endedOrder.TryPeek(out var oldest) && Stopwatch.GetElapsedTime(oldest.At, now) > EndedKept)
        {
            _ended.Remove(_endedOrder.Dequeue().ConnectionId);
        }

        if (!positions.IsEmpty)
        {
            _ended[connectionId] = positions;
            _endedOrder.Enqueue((connectionId, now));
        }

        return positions;
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

    /// <summary>
    /// Puts every connection of a user in the groups it belongs to now, and in no other (under the
    /// lock). A connection whose catch-up is not settled yet joins its groups waiting.
    /// </summary>
    private void Reindex(UserEntry entry, ref List<(GroupEntry Group, long Generation)>? subscribe)
    {
        foreach (var indexed in entry.Connections.Values)
        {
            var connection = indexed.Connection;
            var was = indexed.Groups;
            var now = entry.Groups.Of(connection.ClientId).ToImmutableArray();
            foreach (var groupKey in was.Except(now, StringComparer.Ordinal))
            {
                _groups[groupKey].Remove(connection);
                connection.Groups.Forget(groupKey);
            }

            foreach (var groupKey in now.Except(was, StringComparer.Ordinal))
            {
                if (!_groups.TryGetValue(groupKey, out var group))
                {
                    group = new GroupEntry(groupKey);
                    _groups[groupKey] = group;
                }

                if (group.Add(connection, waiting: !indexed.Settled))
                {
                    (subscribe ??= []).Add((group, group.Generation));
                }
            }

            indexed.Groups = now;
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
                var position = await grains.GetGrain<IGroupFanOutGrain>(subscription.Group.Key).SubscribeAsync(frontEndId, reference, subscription.Generation);
                subscription.Group.Subscribed(position);
            }
            catch (Exception e)
            {
                LogSubscribeFailed(logger, e, subscription.Group.Key);
            }
        }));
    }

    /// <summary>
    /// Settles what a new connection missed of its groups: asks its user grain for the client's
    /// previous connection (when the connection is in any group), then each group it joined waiting
    /// for the pushes after the client's position there. Never throws: a group that does not answer
    /// has its waiting pushes written as they are.
    /// </summary>
    private async Task CatchUpAsync(SenteConnection connection, string frontEndId)
    {
        bool waiting;
        lock (_lock)
        {
            waiting = _connections.TryGetValue(connection.Id, out var indexed) && !indexed.Groups.IsEmpty;
        }

        var handover = GroupHandover.None;
        if (waiting)
        {
            try
            {
                handover = await grains.GetGrain<IClientGroupsHandoverGrain>(SenteKeys.UserKey(connection.UserId))
                    .HandOverGroupsAsync(connection.ClientId, frontEndId, connection.Id);
            }
            catch (Exception e)
            {
                // Unknown is safer than nothing: the groups send their windows since the memberships began.
                LogHandoverFailed(logger, e, connection.ClientId, connection.UserId);
                handover = new GroupHandover(true, null);
            }
        }

        List<GroupEntry> settle = [];
        lock (_lock)
        {
            if (!_connections.TryGetValue(connection.Id, out var indexed))
            {
                return;
            }

            indexed.Settled = true;
            foreach (var groupKey in indexed.Groups)
            {
                if (_groups[groupKey].IsWaiting(connection))
                {
                    settle.Add(_groups[groupKey]);
                }
            }
        }

        await Task.WhenAll(settle.Select(async group =>
        {
            GroupPosition? from = null;
            var owed = connection.Groups.TakeCarried(group.Key, out var said);
            if (owed)
            {
                from = said;
            }
            else if (handover.Previous)
            {
                owed = true;
                from = handover.Positions?.TryGetValue(group.Key, out var was) == true ? was : null;
            }

            GroupCatchUp? answer = null;
            if (owed)
            {
                try
                {
                    answer = await grains.GetGrain<IGroupFanOutGrain>(group.Key).CatchUpAsync(connection.UserId!, connection.ClientId, from);
                }
                catch (Exception e)
                {
                    LogCatchUpFailed(logger, e, group.Key, connection.ClientId);
                }
            }

            group.Settle(connection, answer, metrics, logger);
        }));

        // Groups the client's mark named that it is not in here are not carried on in its marks.
        if (connection.ResumeMark?.Contains(ResumePoint.GroupsSeparator, StringComparison.Ordinal) == true)
        {
            connection.Groups.DropCarried();
        }
    }

    /// <summary>A connection in the index: its user, its groups, and whether what it missed is settled.</summary>
    private sealed class Indexed(SenteConnection connection, string userKey)
    {
        public SenteConnection Connection { get; } = connection;

        public string UserKey { get; } = userKey;

        public ImmutableArray<string> Groups { get; set; } = [];

        /// <summary>False until its catch-up is settled: the groups it joins meanwhile hold its pushes beside it.</summary>
        public bool Settled { get; set; }
    }

    private sealed class UserEntry
    {
        /// <summary>Version -1: not known yet (any answer is newer).</summary>
        public UserGroups Groups { get; set; } = UserGroups.None with { Version = -1 };

        public TaskCompletionSource<UserGroups?> Loaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The user's connections here.</summary>
        public Dictionary<SenteConnection, Indexed> Connections { get; } = [];
    }

    private sealed class GroupEntry(string key)
    {
        private readonly SequenceGate _gate = new();
        private readonly List<(PackedEvent, bool, long)> _ready = new(4);

        // Under _ready's lock: connections whose catch-up is not settled, with the pushes that wait
        // beside each and the group's position when it joined; and connections settled by a group's
        // answer, with the last push that answer covered (a live push up to it that comes late is
        // not written again).
        private readonly Dictionary<SenteConnection, Waiting> _waiting = [];
        private Dictionary<SenteConnection, GroupPosition>? _coveredThrough;
        private GroupPosition _position;

        public string Key { get; } = key;

        /// <summary>Replaced on change (under _ready's lock), read by deliveries under it.</summary>
        public ImmutableArray<SenteConnection> Members { get; private set; } = [];

        /// <summary>Members, settled or waiting (under the index's lock).</summary>
        public bool HasMembers { get; private set; }

        /// <summary>Counts the subscriptions of this front end to the group: one per time its member count here leaves 0.</summary>
        public long Generation { get; private set; }

        /// <summary>The generation this front end last asked the group to be left out in (0: never).</summary>
        public long LeftOut { get; set; }

        /// <summary>
        /// Adds a member connection (under the index's lock), settled or waiting for its catch-up;
        /// true when it is the first one here (subscribe, in a new generation).
        /// </summary>
        public bool Add(SenteConnection connection, bool waiting)
        {
            bool first;
            lock (_ready)
            {
                first = Members.IsEmpty && _waiting.Count == 0;
                if (waiting)
                {
                    _waiting[connection] = new Waiting(_position);
                }
                else
                {
                    Members = Members.Add(connection);
                    connection.Groups.Start(Key, _position);
                }
            }

            HasMembers = true;
            if (!first)
            {
                return false;
            }

            Generation++;
            return true;
        }

        /// <summary>Takes a connection out (under the index's lock).</summary>
        public void Remove(SenteConnection connection)
        {
            lock (_ready)
            {
                Members = Members.Remove(connection);
                _waiting.Remove(connection);
                _coveredThrough?.Remove(connection);
                HasMembers = !Members.IsEmpty || _waiting.Count > 0;
            }
        }

        public bool IsWaiting(SenteConnection connection)
        {
            lock (_ready)
            {
                return _waiting.ContainsKey(connection);
            }
        }

        /// <summary>
        /// The group's position when this front end subscribed: connections indexed before it came
        /// start from it (nothing from before is theirs), and so do later ones until a push arrives.
        /// </summary>
        public void Subscribed(GroupPosition position)
        {
            lock (_ready)
            {
                if (!position.IsAfter(_position))
                {
                    return;
                }

                _position = position;
                foreach (var member in Members)
                {
                    member.Groups.RaiseStart(Key, position);
                }

                foreach (var waiting in _waiting.Values)
                {
                    if (position.IsAfter(waiting.JoinedAt))
                    {
                        waiting.JoinedAt = position;
                    }
                }
            }
        }

        /// <summary>
        /// Settles a waiting connection: first what the group's answer says it missed, then the pushes
        /// that waited beside it and came after what the answer covered (all of them without an answer);
        /// from then on it is a member like any other.
        /// </summary>
        public void Settle(SenteConnection connection, GroupCatchUp? answer, SenteMetrics metrics, ILogger logger)
        {
            lock (_ready)
            {
                if (!_waiting.Remove(connection, out var waiting))
                {
                    return;
                }

                var covered = answer is null ? (GroupPosition?)null : new GroupPosition(answer.Epoch, answer.Through);
                connection.Groups.Start(Key, answer is null ? waiting.JoinedAt : new GroupPosition(answer.Epoch, answer.Start));
                try
                {
                    foreach (var missed in answer?.Pushes ?? [])
                    {
                        var packed = new PackedEvent(missed.Event) { GroupKey = Key, GroupPosition = new(answer!.Epoch, missed.Sequence) };
                        packed.Prepare(connection, logger);
                        connection.Enqueue(packed, missed.Flush);
                    }

                    foreach (var (packed, flush) in waiting.Pushes)
                    {
                        if (covered is not { } through || packed.GroupPosition.IsAfter(through))
                        {
                            packed.Prepare(connection, logger);
                            connection.Enqueue(packed, flush);
                        }
                    }
                }
                catch (Exception e)
                {
                    LogDeliveryFailed(logger, e, connection.Id, Key);
                }

                if (waiting.Dropped > 0)
                {
                    metrics.Dropped("group-catch-up-full", waiting.Dropped);
                }

                Members = Members.Add(connection);
                if (covered is { } last)
                {
                    (_coveredThrough ??= [])[connection] = last;
                }
            }
        }

        public void Deliver(GroupDelivery delivery, SenteMetrics metrics, ILogger logger)
        {
            // The observer runs its calls one at a time; the lock keeps the gate safe regardless.
            lock (_ready)
            {
                var now = Stopwatch.GetTimestamp();
                var skipped = _gate.SkipIfStuck(_ready, now, (long)(SequenceGate.GapTimeout.TotalSeconds * Stopwatch.Frequency));
                if (skipped > 0)
                {
                    metrics.Dropped("sequence-gap", (int)skipped);
                }

                var packed = new PackedEvent(delivery.Event) { GroupKey = Key, GroupPosition = new(delivery.Epoch, delivery.GroupSequence) };
                var dropped = _gate.Admit(delivery.Epoch, delivery.Sequence, packed, delivery.Flush, 0, _ready, now, out var reason);
                if (dropped > 0)
                {
                    metrics.Dropped(reason!, dropped);
                }

                var members = Members;
                foreach (var (ready, flush, _) in _ready)
                {
                    if (ready.GroupPosition.IsAfter(_position))
                    {
                        _position = ready.GroupPosition;
                    }

                    foreach (var connection in members)
                    {
                        if (_coveredThrough is not null && Covered(connection, ready.GroupPosition))
                        {
                            continue;
                        }

                        try
                        {
                            // Packed here, once per packer of this front end, as direct pushes are:
                            // the one batch loop that writes it then only joins bytes already made.
                            ready.Prepare(connection, logger);
                            connection.Enqueue(ready, flush);
                        }
                        catch (Exception e)
                        {
                            LogDeliveryFailed(logger, e, connection.Id, Key);
                        }
                    }

                    foreach (var waiting in _waiting.Values)
                    {
                        waiting.Hold(ready, flush);
                    }
                }

                _ready.Clear();
            }
        }

        /// <summary>Whether a catch-up answer already gave this connection the push; the first push past the answer ends the check.</summary>
        private bool Covered(SenteConnection connection, GroupPosition position)
        {
            if (!_coveredThrough!.TryGetValue(connection, out var through))
            {
                return false;
            }

            if (position.IsAfter(through))
            {
                _coveredThrough.Remove(connection);
                if (_coveredThrough.Count == 0)
                {
                    _coveredThrough = null;
                }

                return false;
            }

            return true;
        }
    }

    /// <summary>The group pushes that wait beside a connection until its catch-up is settled (bounded), and where the group was when it joined.</summary>
    private sealed class Waiting(GroupPosition joinedAt)
    {
        public GroupPosition JoinedAt { get; set; } = joinedAt;

        public Queue<(PackedEvent Packed, bool Flush)> Pushes { get; } = new();

        public int Dropped { get; private set; }

        public void Hold(PackedEvent packed, bool flush)
        {
            if (Pushes.Count >= MostWaiting)
            {
                Pushes.Dequeue();
                Dropped++;
            }

            Pushes.Enqueue((packed, flush));
        }
    }

    [LoggerMessage(EventId = 1190, Level = LogLevel.Warning, Message = "Could not learn the groups of user {UserId}; its connection here gets no group pushes until they change")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception, string? userId);

    [LoggerMessage(EventId = 1191, Level = LogLevel.Warning, Message = "Could not subscribe to group {GroupKey}")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string groupKey);

    [LoggerMessage(EventId = 1192, Level = LogLevel.Error, Message = "A push of group {GroupKey} to connection {ConnectionId} failed; the other connections are served")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, long connectionId, string groupKey);

    [LoggerMessage(EventId = 1193, Level = LogLevel.Warning, Message = "Could not ask where the group pushes of client {ClientId} (user {UserId}) stopped; its groups send their windows since its memberships began")]
    private static partial void LogHandoverFailed(ILogger logger, Exception exception, string clientId, string? userId);

    [LoggerMessage(EventId = 1194, Level = LogLevel.Warning, Message = "Group {GroupKey} did not say what client {ClientId} missed; its pushes go on from now")]
    private static partial void LogCatchUpFailed(ILogger logger, Exception exception, string groupKey, string clientId);
}
