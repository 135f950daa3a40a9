using System.Collections.Immutable;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.Grains;

/// <summary>
/// A group's recent pushes, by group sequence number, for member clients that reconnect having
/// missed some (their socket dropped, or their front end died). Bounded as a client's replay window
/// is (<see cref="SenteGrainOptions.ReplayWindowLimit"/>, <see cref="SenteGrainOptions.ReplayWindowBytes"/>,
/// <see cref="SenteGrainOptions.ReplayWindowMaxAge"/>); the oldest go first, so the window always
/// holds a run of consecutive numbers ending with the group's last push. Soft state: a new
/// activation of the group starts an empty one in a new epoch.
/// </summary>
internal sealed class GroupReplayWindow
{
    private readonly PushLog _log = new();

    public int Count => _log.Count;

    /// <summary>Records the group's push number <paramref name="sequence"/> (one more than the last), then drops what is past the bounds.</summary>
    public void Add(long sequence, SenteEvent @event, bool flush, DateTimeOffset now, SenteGrainOptions options) =>
        _log.Add(sequence, @event, flush, now, options);

    /// <summary>
    /// The pushes after <paramref name="start"/>, oldest first, and how many of those up to
    /// <paramref name="through"/> (the last push) are no longer held. The window keeps them: other
    /// members may ask too.
    /// </summary>
    public (ImmutableArray<GroupMissedPush> Pushes, long Lost) After(long start, long through, DateTimeOffset now, SenteGrainOptions options)
    {
        _log.Trim(now, options);
        var first = _log.First ?? through + 1;
        var lost = Math.Max(0, Math.Min(first, through + 1) - (start + 1));
        if (start >= through)
        {
            return ([], lost);
        }

        var pushes = _log.After(start).Select(e => new GroupMissedPush(e.Number, e.Event, e.Flush)).ToImmutableArray();
        return (pushes, lost);
    }
}

/// <summary>
/// When members joined a group lately (within the replay window's age), by group sequence number:
/// a member client whose position is not known is owed the window's pushes after its membership
/// began, never those from before it. A membership older than the window is owed the whole window.
/// </summary>
internal sealed class RecentJoins
{
    private readonly Dictionary<(string UserId, string? ClientId), (long Sequence, DateTimeOffset At)> _joins = [];
    private readonly Queue<((string, string?) Member, DateTimeOffset At)> _order = new();

    /// <summary>A user (<paramref name="clientId"/> null) or one client became a member after push <paramref name="sequence"/>.</summary>
    public void Joined(string userId, string? clientId, long sequence, DateTimeOffset now, TimeSpan maxAge)
    {
        Forget(now, maxAge);
        _joins[(userId, clientId)] = (sequence, now);
        _order.Enqueue(((userId, clientId), now));
    }

    public void Left(string userId, string? clientId) => _joins.Remove((userId, clientId));

    /// <summary>The last push before the membership began, or 0 when it began before the window's age.</summary>
    public long StartOf(string userId, string? clientId, DateTimeOffset now, TimeSpan maxAge)
    {
        Forget(now, maxAge);
        return _joins.TryGetValue((userId, clientId), out var join) ? join.Sequence : 0;
    }

    private void Forget(DateTimeOffset now, TimeSpan maxAge)
    {
        var horizon = now - maxAge;
        while (_order.Count > 0 && _order.Peek().At < horizon)
        {
            var (member, at) = _order.Dequeue();
            if (_joins.TryGetValue(member, out var join) && join.At == at)
            {
                _joins.Remove(member);
            }
        }
    }
}
