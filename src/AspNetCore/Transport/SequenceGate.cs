namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Puts one connection's pushes back in the order its user grain sent them. Pushes carry
/// (epoch, sequence); a new epoch (a new activation of the user grain) starts again at 1.
/// Epochs grow with each activation (they start with the activation's time), so a push of an
/// older epoch that arrives late (sent by an activation that has since been replaced) is dropped
/// and counted rather than taken for a new start; pushes held from an epoch that a newer one
/// replaces can never be released, and are counted as they go.
/// A push that arrives early waits for the ones before it; a gap that does not fill within
/// <see cref="GapTimeout"/> is skipped (counted) so that one lost message cannot stall a client.
/// </summary>
internal sealed class SequenceGate
{
    public static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(1);
    private const int MaxHeld = 256;
    private SortedDictionary<long, (PackedEvent Packed, bool Flush, long PushId)>? _held;
    private long _epoch;
    private long _next = 1;
    private long _heldSince;

    /// <summary>The reason (of <c>sente.deliveries.dropped</c>) for a push of an epoch older than one already seen.</summary>
    public const string StaleEpochReason = "stale-epoch";

    /// <summary>The reason for pushes held for a gap of an epoch that a newer epoch replaced.</summary>
    public const string EpochChangedReason = "epoch-changed";

    /// <summary>The reason for a push whose sequence number was already admitted (a duplicate).</summary>
    public const string DuplicateReason = "duplicate";

    /// <summary>
    /// Admits a push; adds the pushes now deliverable to <paramref name="ready"/>, in order (often
    /// just this one). Returns how many pushes were given up, and why in <paramref name="dropReason"/>.
    /// </summary>
    public int Admit(long epoch, long sequence, PackedEvent packed, bool flush, long pushId, List<(PackedEvent, bool, long)> ready, long now, out string? dropReason)
    {
        dropReason = null;
        if (sequence == 0)
        {
            ready.Add((packed, flush, pushId));
            return 0;
        }

        var dropped = 0;
        if (epoch < _epoch)
        {
            dropReason = StaleEpochReason;
            return 1;
        }

        if (epoch > _epoch)
        {
            _epoch = epoch;
            _next = 1;
            if (_held is { Count: > 0 })
            {
                dropped = _held.Count;
                dropReason = EpochChangedReason;
                _held.Clear();
            }
        }

        if (sequence < _next)
        {
            dropReason = DuplicateReason;
            return dropped + 1;
        }

        if (sequence == _next && _held is not { Count: > 0 })
        {
            _next++;
            ready.Add((packed, flush, pushId));
            return dropped;
        }

        var held = _held ??= [];
        if (held.Count == 0)
        {
            _heldSince = now;
        }

        held[sequence] = (packed, flush, pushId);
        Release(ready);
        if (held.Count > MaxHeld)
        {
            SkipGap(ready, now);
        }

        return dropped;
    }

    /// <summary>The epoch of the pushes admitted now.</summary>
    public long Epoch => _epoch;

    /// <summary>The last sequence number admitted in order from <paramref name="epoch"/>, or 0 for another epoch.</summary>
    public long AdmittedThrough(long epoch) => epoch == _epoch ? _next - 1 : 0;

    /// <summary>Skips a gap that has waited too long; returns how many pushes were given up.</summary>
    public long SkipIfStuck(List<(PackedEvent, bool, long)> ready, long now, long gapTimeoutTicks) =>
        _held is { Count: > 0 } && now - _heldSince > gapTimeoutTicks ? SkipGap(ready, now) : 0;

    private long SkipGap(List<(PackedEvent, bool, long)> ready, long now)
    {
        var first = _held!.Keys.First();
        var skipped = first - _next;
        _next = first;
        Release(ready);
        _heldSince = now;
        return skipped;
    }

    private void Release(List<(PackedEvent, bool, long)> ready)
    {
        while (_held is not null && _held.Remove(_next, out var item))
        {
            ready.Add(item);
            _next++;
        }
    }
}
