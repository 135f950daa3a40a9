using Orleans.Sente.Protocol;
using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Tests;

/// <summary>The per-connection order gate: epochs grow with activations, so a late push of an older one is not a new start.</summary>
public sealed class SequenceGateTests
{
    private static PackedEvent Push(int n) => new(SenteEvent.Create("test/n", new EdnLong(n)));

    private static long N(PackedEvent p) => ((EdnLong)p.Event.Data!).Value;

    [Fact]
    public void A_late_push_of_an_older_epoch_is_dropped_and_counted_and_the_held_pushes_stay()
    {
        var gate = new SequenceGate();
        var ready = new List<(PackedEvent, bool, long)>();
        Assert.Equal(0, gate.Admit(200, 1, Push(1), false, 0, ready, 0, out _));
        Assert.Equal(0, gate.Admit(200, 3, Push(3), false, 0, ready, 0, out _));

        Assert.Equal(1, gate.Admit(100, 7, Push(70), false, 0, ready, 0, out var reason));
        Assert.Equal(SequenceGate.StaleEpochReason, reason);

        // The newer epoch's gap fills and its held push is released: nothing was reset.
        Assert.Equal(0, gate.Admit(200, 2, Push(2), false, 0, ready, 0, out _));
        Assert.Equal([1L, 2, 3], ready.Select(r => N(r.Item1)));
        Assert.Equal(3, gate.AdmittedThrough(200));
    }

    [Fact]
    public void A_newer_epoch_starts_again_at_1_and_counts_the_held_pushes_it_gives_up()
    {
        var gate = new SequenceGate();
        var ready = new List<(PackedEvent, bool, long)>();
        gate.Admit(100, 1, Push(1), false, 0, ready, 0, out _);
        gate.Admit(100, 3, Push(3), false, 0, ready, 0, out _);
        gate.Admit(100, 4, Push(4), false, 0, ready, 0, out _);

        Assert.Equal(2, gate.Admit(200, 1, Push(10), false, 0, ready, 0, out var reason));
        Assert.Equal(SequenceGate.EpochChangedReason, reason);
        Assert.Equal([1L, 10], ready.Select(r => N(r.Item1)));
    }

    [Fact]
    public void A_push_admitted_twice_is_counted_as_a_duplicate()
    {
        var gate = new SequenceGate();
        var ready = new List<(PackedEvent, bool, long)>();
        gate.Admit(100, 1, Push(1), false, 0, ready, 0, out _);
        Assert.Equal(1, gate.Admit(100, 1, Push(1), false, 0, ready, 0, out var reason));
        Assert.Equal(SequenceGate.DuplicateReason, reason);
        Assert.Single(ready);
    }
}
