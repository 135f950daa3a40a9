using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// One connection's place in each of its groups (the group activation's epoch and the last group
/// sequence number put into a frame for it), and the resume mark that tells the client so.
/// </summary>
/// <remarks>
/// A position is set when the connection is indexed in a group (nothing from before is owed to
/// it), and advanced as group pushes go into the connection's frames. Two readers:
/// <list type="bullet">
/// <item>the client's next connection, on any front end: this front end hands the positions over
/// when asked (or keeps them a while after the connection ended);</item>
/// <item>a client that asked for resume marks: each push frame's mark carries, after the user
/// grain's <c>epoch:push-id</c>, one <c>~h.e.s</c> per group the client has had pushes of (the
/// group key's 32-bit FNV-1a hash, the epoch, the sequence number; base 36), at most
/// <see cref="MostInMark"/> of them, the latest first. The client sends the mark back as it is
/// when it reconnects, so what it received is known even when this front end has died. A group
/// the client named in its mark but is no longer in is dropped from the marks once its groups are
/// known here.</item>
/// </list>
/// </remarks>
internal sealed class GroupMarks
{
    /// <summary>Most groups a mark carries: a client in more groups gets the latest; the others fall back to what the server knows.</summary>
    public const int MostInMark = 64;

    private const int MostParsed = 4 * MostInMark;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _byGroup = new(StringComparer.Ordinal);
    private Dictionary<uint, GroupPosition>? _carried;
    private long _userEpoch;
    private long _userPushId;
    private long _touched;

    /// <param name="resumeMark">The mark the client sent back when it connected, if any.</param>
    public GroupMarks(string? resumeMark)
    {
        if (ResumePoint.Parse(resumeMark) is { } own)
        {
            (_userEpoch, _userPushId) = (own.Epoch, own.PushId);
        }

        _carried = ParseGroups(resumeMark);
    }

    /// <summary>The hash a mark names a group by.</summary>
    public static uint Hash(string groupKey)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(groupKey))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    /// <summary>
    /// Where the client said (in the mark it connected with) it was in the group; the group then
    /// counts as told to the client. False when its mark did not name the group.
    /// </summary>
    public bool TakeCarried(string groupKey, out GroupPosition position)
    {
        lock (_lock)
        {
            if (_carried is null || !_carried.Remove(Hash(groupKey), out position))
            {
                position = default;
                return false;
            }

            _byGroup[groupKey] = new Slot(position, Told: true, ++_touched);
            return true;
        }
    }

    /// <summary>The client's groups are known here: groups its mark named that it is not in are forgotten.</summary>
    public void DropCarried()
    {
        lock (_lock)
        {
            _carried = null;
        }
    }

    /// <summary>The connection is in the group from <paramref name="position"/> on (a position already later stays).</summary>
    public void Start(string groupKey, GroupPosition position)
    {
        lock (_lock)
        {
            if (!_byGroup.TryGetValue(groupKey, out var slot))
            {
                _byGroup[groupKey] = new Slot(position, Told: false, 0);
            }
            else if (position.IsAfter(slot.Position))
            {
                _byGroup[groupKey] = slot with { Position = position };
            }
        }
    }

    /// <summary>Raises the start of a group whose pushes have not reached this connection yet.</summary>
    public void RaiseStart(string groupKey, GroupPosition position)
    {
        lock (_lock)
        {
            if (_byGroup.TryGetValue(groupKey, out var slot) && !slot.Told && position.IsAfter(slot.Position))
            {
                _byGroup[groupKey] = slot with { Position = position };
            }
        }
    }

    /// <summary>The connection's membership in the group ended here.</summary>
    public void Forget(string groupKey)
    {
        lock (_lock)
        {
            _byGroup.Remove(groupKey);
        }
    }

    /// <summary>The group pushes of a batch went into a frame: the connection's positions advance. Returns whether there were any.</summary>
    public bool Written(List<PackedEvent> batch)
    {
        var any = false;
        foreach (var packed in batch)
        {
            if (packed.GroupKey is not { } key)
            {
                continue;
            }

            lock (_lock)
            {
                _byGroup[key] = new Slot(packed.GroupPosition, Told: true, ++_touched);
            }

            any = true;
        }

        return any;
    }

    /// <summary>Every position of this connection, for its client's next connection.</summary>
    public ImmutableDictionary<string, GroupPosition> Positions()
    {
        lock (_lock)
        {
            return _byGroup.ToImmutableDictionary(g => g.Key, g => g.Value.Position, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// The mark of a frame: the user grain's part (the frame's last push of it, else the last one
    /// before), then the groups the client has had pushes of.
    /// </summary>
    public string Mark(long epoch, long pushId)
    {
        var text = new StringBuilder(32);
        lock (_lock)
        {
            if (pushId != 0)
            {
                (_userEpoch, _userPushId) = (epoch, pushId);
            }

            text.Append(CultureInfo.InvariantCulture, $"{_userEpoch}:{_userPushId}");
            IEnumerable<KeyValuePair<string, Slot>> told = _byGroup.Where(g => g.Value.Told);
            if (_byGroup.Count > MostInMark)
            {
                told = told.OrderByDescending(g => g.Value.Touched).Take(MostInMark);
            }

            foreach (var (key, slot) in told)
            {
                Append(text, Hash(key), slot.Position);
            }

            foreach (var (hash, position) in _carried ?? [])
            {
                Append(text, hash, position);
            }
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, uint hash, GroupPosition position) =>
        text.Append(ResumePoint.GroupsSeparator).Append(Base36(hash)).Append('.').Append(Base36((ulong)position.Epoch)).Append('.').Append(Base36((ulong)position.Sequence));

    private static Dictionary<uint, GroupPosition>? ParseGroups(string? mark)
    {
        if (mark is null || mark.IndexOf(ResumePoint.GroupsSeparator) < 0)
        {
            return null;
        }

        Dictionary<uint, GroupPosition>? parsed = null;
        var parts = mark.Split(ResumePoint.GroupsSeparator);
        for (var i = 1; i < parts.Length && i <= MostParsed; i++)
        {
            var fields = parts[i].Split('.');
            if (fields.Length == 3 && TryBase36(fields[0], out var hash) && hash <= uint.MaxValue
                && TryBase36(fields[1], out var epoch) && epoch <= long.MaxValue
                && TryBase36(fields[2], out var sequence) && sequence <= long.MaxValue)
            {
                (parsed ??= [])[(uint)hash] = new GroupPosition((long)epoch, (long)sequence);
            }
        }

        return parsed;
    }

    private static string Base36(ulong value)
    {
        Span<char> digits = stackalloc char[13];
        var at = digits.Length;
        do
        {
            digits[--at] = "0123456789abcdefghijklmnopqrstuvwxyz"[(int)(value % 36)];
            value /= 36;
        }
        while (value > 0);
        return new string(digits[at..]);
    }

    private static bool TryBase36(string text, out ulong value)
    {
        value = 0;
        if (text.Length is 0 or > 13)
        {
            return false;
        }

        foreach (var c in text)
        {
            var digit = c is >= '0' and <= '9' ? c - '0' : c is >= 'a' and <= 'z' ? c - 'a' + 10 : -1;
            if (digit < 0 || value > (ulong.MaxValue - (ulong)digit) / 36)
            {
                return false;
            }

            value = (value * 36) + (ulong)digit;
        }

        return true;
    }

    private readonly record struct Slot(GroupPosition Position, bool Told, long Touched);
}
