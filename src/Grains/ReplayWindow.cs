using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

/// <summary>
/// One client's recent pushes, by push id, kept after they were sent to its connection so that a
/// client whose front end died (or whose connection was lost before the front end could write
/// them) gets them again when it reconnects anywhere. Bounded by count, by bytes (an estimate of
/// the packed size) and by age; the oldest go first. The one owner of the replay window: the user
/// grain adds what it sends and takes what a reconnecting client has not seen.
/// </summary>
internal sealed class ReplayWindow
{
    private readonly PushLog _log = new();

    public int Count => _log.Count;

    /// <summary>
    /// Records a push sent with <paramref name="pushId"/> (<paramref name="bytes"/>: its
    /// <see cref="EventSize.Estimate"/>, made once for all the clients it goes to, or here when not
    /// given), then drops what is past the bounds.
    /// </summary>
    public void Add(long pushId, SenteEvent @event, bool flush, DateTimeOffset now, SenteGrainOptions options, int? bytes = null) =>
        _log.Add(pushId, @event, flush, now, options, bytes);

    /// <summary>
    /// Takes the pushes after <paramref name="after"/>, oldest first, and empties the window (they
    /// are sent again, and recorded again under new push ids).
    /// </summary>
    public List<(SenteEvent Event, bool Flush)> TakeAfter(long after, DateTimeOffset now, SenteGrainOptions options)
    {
        _log.Trim(now, options);
        var taken = _log.After(after).Select(e => (e.Event, e.Flush)).ToList();
        _log.Clear();
        return taken;
    }
}

/// <summary>
/// Numbered pushes kept for a while, oldest first, bounded as <see cref="SenteGrainOptions"/> says
/// (<see cref="SenteGrainOptions.ReplayWindowLimit"/> pushes, <see cref="SenteGrainOptions.ReplayWindowBytes"/>
/// estimated bytes, <see cref="SenteGrainOptions.ReplayWindowMaxAge"/>): what a client's and a group's
/// replay windows share. The numbers only grow.
/// </summary>
internal sealed class PushLog
{
    private readonly Queue<Entry> _entries = new();
    private long _bytes;

    public int Count => _entries.Count;

    /// <summary>The number of the oldest push held, or null when none is.</summary>
    public long? First => _entries.Count > 0 ? _entries.Peek().Number : null;

    /// <summary>
    /// Records push <paramref name="number"/> (of <paramref name="bytes"/>, estimated here when not
    /// given), then drops what is past the bounds.
    /// </summary>
    public void Add(long number, SenteEvent @event, bool flush, DateTimeOffset now, SenteGrainOptions options, int? bytes = null)
    {
        var size = bytes ?? EventSize.Estimate(@event);
        _entries.Enqueue(new Entry(number, @event, flush, now, size));
        _bytes += size;
        Trim(now, options);
    }

    /// <summary>The pushes held with a number after <paramref name="number"/>, oldest first.</summary>
    public IEnumerable<Entry> After(long number) => _entries.Where(e => e.Number > number);

    public void Clear()
    {
        _entries.Clear();
        _bytes = 0;
    }

    /// <summary>Drops the oldest pushes while the log is past any of its bounds.</summary>
    public void Trim(DateTimeOffset now, SenteGrainOptions options)
    {
        var horizon = now - options.ReplayWindowMaxAge;
        while (_entries.Count > 0
            && (_entries.Count > options.ReplayWindowLimit || _bytes > options.ReplayWindowBytes || _entries.Peek().At < horizon))
        {
            _bytes -= _entries.Dequeue().Bytes;
        }
    }

    public readonly record struct Entry(long Number, SenteEvent Event, bool Flush, DateTimeOffset At, int Bytes);
}

/// <summary>
/// About how many bytes an event takes packed (the EDN text, within a small factor of JSON's):
/// a bound in bytes for what grains keep per client, without packing on the hot path.
/// </summary>
internal static class EventSize
{
    private const int Overhead = 8;

    public static int Estimate(SenteEvent @event) =>
        Overhead + @event.Id.Name.Length + (@event.Id.Namespace?.Length ?? 0) + (@event.Data is { } data ? Of(data) : 3);

    private static int Of(EdnValue value) => value switch
    {
        EdnString s => s.Value.Length + 2,
        EdnKeyword k => k.Name.Length + (k.Namespace?.Length ?? 0) + 2,
        EdnSymbol y => y.Name.Length + (y.Namespace?.Length ?? 0) + 1,
        EdnSequence q => 2 + Sum(q.Items),
        EdnSet set => 3 + Sum(set.Items),
        EdnMap m => 2 + (m.Entries.IsDefault ? 0 : m.Entries.Sum(e => Of(e.Key) + Of(e.Value) + 2)),
        EdnTagged t => t.Tag.Name.Length + 2 + Of(t.Value),
        EdnBigDecimal d => d.Text.Length + 1,
        EdnBigInt or EdnRatio => 64,
        _ => 24,
    };

    private static int Sum(System.Collections.Immutable.ImmutableArray<EdnValue> items)
    {
        var total = 0;
        if (items.IsDefault)
        {
            return 0;
        }

        foreach (var item in items)
        {
            total += Of(item) + 1;
        }

        return total;
    }
}
