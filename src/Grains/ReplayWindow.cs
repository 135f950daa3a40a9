using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

/// <summary>
/// One client's recent pushes, by push id, kept after they were sent to its connection so that a
/// client whose front end died (or whose connection was lost before the front end could write
/// them) gets them again when it reconnects anywhere. Bounded by count, by bytes (of the compact
/// binary form the pushes are kept in) and by age; the oldest go first. The one owner of the
/// replay window: the user grain adds what it sends and takes what a reconnecting client has not seen.
/// </summary>
internal sealed class ReplayWindow
{
    private readonly PushLog _log = new();

    public int Count => _log.Count;

    /// <summary>
    /// Records a push sent with <paramref name="pushId"/> (<paramref name="binary"/>: the event in
    /// <see cref="SenteEventBinary"/>'s form, made once for all the clients it goes to, or here when
    /// not given), then drops what is past the bounds.
    /// </summary>
    public void Add(long pushId, SenteEvent @event, bool flush, DateTimeOffset now, SenteGrainOptions options, byte[]? binary = null) =>
        _log.Add(pushId, @event, flush, now, options, binary);

    /// <summary>
    /// Takes the pushes after <paramref name="after"/>, oldest first, and empties the window (they
    /// are sent again, with the bytes they were kept in, and recorded again under new push ids).
    /// </summary>
    public List<PushLog.Entry> TakeAfter(long after, DateTimeOffset now, SenteGrainOptions options)
    {
        _log.Trim(now, options);
        var taken = _log.After(after).ToList();
        _log.Clear();
        return taken;
    }
}

/// <summary>
/// Numbered pushes kept for a while, oldest first, bounded as <see cref="SenteGrainOptions"/> says
/// (<see cref="SenteGrainOptions.ReplayWindowLimit"/> pushes, <see cref="SenteGrainOptions.ReplayWindowBytes"/>
/// bytes, <see cref="SenteGrainOptions.ReplayWindowMaxAge"/>): what a client's and a group's replay
/// windows share. The numbers only grow.
/// </summary>
/// <remarks>
/// Each push is kept as one byte array, the event in <see cref="SenteEventBinary"/>'s form (the form
/// it crosses to a front end in), not as its tree of values: a window holds every push of the last
/// half minute, so what it keeps outlives the collector's young generations, and a tree of many
/// objects costs each collection that promotes it far more than one array of the same bytes (at 2500
/// pushes/s the trees made a silo's collections pause several times longer). Its length is the size
/// the byte bound counts. Read back into an event only when a client is owed it again.
/// </remarks>
internal sealed class PushLog
{
    private readonly Queue<Entry> _entries = new();
    private long _bytes;

    public int Count => _entries.Count;

    /// <summary>The number of the oldest push held, or null when none is.</summary>
    public long? First => _entries.Count > 0 ? _entries.Peek().Number : null;

    /// <summary>
    /// Records push <paramref name="number"/> (<paramref name="binary"/>: the event already written in
    /// <see cref="SenteEventBinary"/>'s form, written here when not given), then drops what is past the bounds.
    /// </summary>
    public void Add(long number, SenteEvent @event, bool flush, DateTimeOffset now, SenteGrainOptions options, byte[]? binary = null)
    {
        var kept = binary ?? SenteEventBinary.Write(@event);
        _entries.Enqueue(new Entry(number, kept, flush, now));
        _bytes += kept.Length;
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
            _bytes -= _entries.Dequeue().Binary.Length;
        }
    }

    /// <summary>A push kept: its number, its event in <see cref="SenteEventBinary"/>'s form, whether it flushes, and when it was sent.</summary>
    public readonly record struct Entry(long Number, byte[] Binary, bool Flush, DateTimeOffset At)
    {
        /// <summary>The event, read back from <see cref="Binary"/> (a new tree each time).</summary>
        public SenteEvent Event => SenteEventBinary.Read(Binary);
    }
}
