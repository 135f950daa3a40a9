using Orleans.Sente.Grains;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Serialization;

namespace Orleans.Sente.Tests;

/// <summary>
/// The bounds of a replay window: the oldest pushes go first once the log holds more than
/// <see cref="SenteGrainOptions.ReplayWindowLimit"/> pushes, more than
/// <see cref="SenteGrainOptions.ReplayWindowBytes"/> bytes, or pushes older than
/// <see cref="SenteGrainOptions.ReplayWindowMaxAge"/> (measured on the time the grain passes in, its
/// <see cref="TimeProvider"/>); and the start-up check that the age covers a front end's death.
/// </summary>
public sealed class ReplayWindowBoundsTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Past_the_count_the_oldest_pushes_go_first()
    {
        var options = new SenteGrainOptions { ReplayWindowLimit = 3 };
        var log = new PushLog();
        for (var n = 1; n <= 5; n++)
        {
            log.Add(n, Numbered(n), flush: false, Start, options);
        }

        Assert.Equal(3, log.Count);
        Assert.Equal(3, log.First);
        Assert.Equal([3L, 4L, 5L], log.After(0).Select(e => e.Number));
    }

    [Fact]
    public void Past_the_bytes_the_oldest_pushes_go_first_even_below_the_count()
    {
        var push = SenteEvent.Create("test/n", new EdnString(new string('x', 100)));
        var size = SenteEventBinary.Write(push).Length;
        var options = new SenteGrainOptions { ReplayWindowBytes = (2 * size) + (size / 2) };
        var log = new PushLog();
        for (var n = 1; n <= 4; n++)
        {
            log.Add(n, push, flush: false, Start, options);
        }

        // Two fit in two and a half pushes' bytes; the count (256) is far off.
        Assert.Equal([3L, 4L], log.After(0).Select(e => e.Number));

        // One larger than the whole bound is not kept at all, nor does it keep the others.
        log.Add(5, SenteEvent.Create("test/n", new EdnString(new string('y', 3 * size))), flush: false, Start, options);
        Assert.Equal(0, log.Count);
        Assert.Null(log.First);
    }

    [Fact]
    public void Past_the_age_the_oldest_pushes_go_on_the_next_add_or_trim()
    {
        var options = new SenteGrainOptions();
        var age = options.ReplayWindowMaxAge;
        var log = new PushLog();
        log.Add(1, Numbered(1), flush: false, Start, options);
        log.Add(2, Numbered(2), flush: false, Start + TimeSpan.FromSeconds(10), options);

        // Exactly at the age a push is still held; just past it, it goes.
        log.Trim(Start + age, options);
        Assert.Equal([1L, 2L], log.After(0).Select(e => e.Number));
        log.Add(3, Numbered(3), flush: false, Start + age + TimeSpan.FromMilliseconds(1), options);
        Assert.Equal([2L, 3L], log.After(0).Select(e => e.Number));

        // A trim alone (a reconnect taking the window) drops what aged meanwhile.
        log.Trim(Start + TimeSpan.FromSeconds(10) + age + TimeSpan.FromMilliseconds(1), options);
        Assert.Equal([3L], log.After(0).Select(e => e.Number));
    }

    [Fact]
    public void A_reconnect_takes_only_what_the_bounds_kept_after_its_resume_point_and_empties_the_window()
    {
        var options = new SenteGrainOptions { ReplayWindowLimit = 4 };
        var window = new ReplayWindow();
        for (var n = 1; n <= 10; n++)
        {
            window.Add(n, Numbered(n), flush: n == 10, Start + TimeSpan.FromSeconds(n), options);
        }

        // The client last received 2: 3 to 6 left the window, 7 to 10 come again.
        var taken = window.TakeAfter(2, Start + TimeSpan.FromSeconds(10), options);
        Assert.Equal([7, 8, 9, 10], taken.Select(t => (int)((EdnLong)t.Event.Data!).Value));
        Assert.Equal([false, false, false, true], taken.Select(t => t.Flush));
        Assert.Equal(0, window.Count);

        // Aged past the bound by the time of the reconnect: nothing comes again.
        window.Add(11, Numbered(11), flush: false, Start, options);
        Assert.Empty(window.TakeAfter(0, Start + options.ReplayWindowMaxAge + TimeSpan.FromSeconds(1), options));
    }

    [Fact]
    public void A_push_is_kept_as_its_binary_form_and_read_back_as_it_was_each_time_it_is_owed()
    {
        var options = new SenteGrainOptions();
        var rich = SenteEvent.Create(
            "chat/message",
            new EdnMap(
            [
                new(EdnKeyword.Parse("text"), new EdnString("héllo \U0001F600 /#?")),
                new(EdnKeyword.Parse("n"), new EdnLong(long.MinValue)),
                new(EdnKeyword.Parse("tags"), new EdnSet([new EdnString("a"), EdnValue.Nil, EdnBool.True])),
                new(EdnKeyword.Parse("at"), new EdnInst(Start)),
            ]));
        var log = new PushLog();
        log.Add(1, rich, flush: true, Start, options);
        var given = SenteEventBinary.Write(rich);
        log.Add(2, rich, flush: false, Start, options, given);

        var kept = log.After(0).ToList();

        // Written here when not given, taken as it is when given; the same bytes either way.
        Assert.Equal(given, kept[0].Binary);
        Assert.Same(given, kept[1].Binary);
        Assert.All(kept, k => Assert.Equal(rich, k.Event));
        Assert.NotSame(kept[0].Event, kept[0].Event);
        Assert.Equal([true, false], kept.Select(k => k.Flush));

        // The byte bound counts that form's length.
        var tight = new SenteGrainOptions { ReplayWindowBytes = (2 * given.Length) - 1 };
        log.Add(3, rich, flush: false, Start, tight, given);
        Assert.Equal([3L], log.After(0).Select(e => e.Number));
    }

    [Fact]
    public void An_age_shorter_than_lease_refresh_and_grace_is_refused_at_start_with_the_reason()
    {
        var options = new SenteGrainOptions
        {
            LeasePeriod = TimeSpan.FromSeconds(6),
            WsCloseGrace = TimeSpan.FromSeconds(3),
            AjaxCloseGrace = TimeSpan.FromSeconds(5),
        };
        var covers = options.LeasePeriod + FrontEndTimings.DirectoryRefresh + options.AjaxCloseGrace;

        options.ReplayWindowMaxAge = covers - TimeSpan.FromMilliseconds(1);
        var refused = new SenteGrainOptionsValidator().Validate(null, options);
        Assert.True(refused.Failed);
        Assert.Contains(
            $"ReplayWindowMaxAge must be at least LeasePeriod + the directory refresh (2 s) + the longer grace ({covers}); got {options.ReplayWindowMaxAge}.",
            refused.FailureMessage);

        // The longer of the two graces counts: a WebSocket grace longer than the Ajax one raises it.
        options.ReplayWindowMaxAge = covers;
        Assert.True(new SenteGrainOptionsValidator().Validate(null, options).Succeeded);
        options.WsCloseGrace = options.AjaxCloseGrace + TimeSpan.FromSeconds(1);
        Assert.True(new SenteGrainOptionsValidator().Validate(null, options).Failed);
    }

    private static SenteEvent Numbered(int n) => SenteEvent.Create("test/n", new EdnLong(n));
}
