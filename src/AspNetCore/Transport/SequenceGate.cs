namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Puts one connection's pushes back in the order its user grain sent them. Pushes carry
/// (epoch, sequence); a new epoch (a new activation of the user grain) starts again at 1.
/// A push that arrives early waits for the ones before it; a gap that does not fill within
/// <see cref="GapTimeout"/> is skipped (counted) so that one lost message cannot stall a client.
/// </summary>
internal sealed class SequenceGate
{
    public static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(1);
    private const int MaxHeld = 256;
    private SortedDictionary<long, (PackedEvent Packed, bool Flush)>? _held;
    private long _epoch;
    private long _next = 1;
    private long _heldSince;

    /// <summary>Admits a push; returns the pushes now deliverable, in order (often just this one).</summary>
    public void Admit(long epoch, long sequence, PackedEvent packed, bool flush, List<(PackedEvent, bool)> ready, long now)
    {
        if (sequence == 0)
        {
            ready.Add((packed, flush));
            return;
        }

        if (epoch != _epoch)
        {
            _epoch = epoch;
            _next = 1;
            _held?.Clear();
        }

        if (sequence < _next)
        {
            return;
        }

        if (sequence == _next && _held is not { Count: > 0 })
        {
            _next++;
            ready.Add((packed, flush));
            return;
        }

        var held = _held ??= [];
        if (held.Count == 0)
        {
            _heldSince = now;
        }

        held[sequence] = (packed, flush);
        Release(ready);
        if (held.Count > MaxHeld)
        {
            SkipGap(ready, now);
        }
    }

    /// <summary>The last sequence number admitted in order from <paramref name="epoch"/>, or 0 for another epoch.</summary>
    public long AdmittedThrough(long epoch) => epoch == _epoch ? _next - 1 : 0;

    /// <summary>Skips a gap that has waited too long; returns how many pushes were given up.</summary>
    public long SkipIfStuck(List<(PackedEvent, bool)> ready, long now, long gapTimeoutTicks) =>
        _held is { Count: > 0 } && now - _heldSince > gapTimeoutTicks ? SkipGap(ready, now) : 0;

    private long SkipGap(List<(PackedEvent, bool)> ready, long now)
    {
        var first = _held!.Keys.First();
        var skipped = first - _next;
        _next = first;
        Release(ready);
        _heldSince = now;
        return skipped;
    }

    private void Release(List<(PackedEvent, bool)> ready)
    {
        while (_held is not null && _held.Remove(_next, out var item))
        {
            ready.Add(item);
            _next++;
        }
    }
}
