using System.Text;
using Orleans.Sente.Bench.LoadGen;
using Orleans.Sente.Bench.Scenarios;

namespace Orleans.Sente.Bench.Tests;

public sealed class ReceiverSplitTests
{
    private static ReceiverOptions Options(int offset) => ReceiverOptions.From(ArgMap.Parse(
    [
        "--urls", "ws://a/chsk?client-id={cid}&uid={uid},ws://b/chsk?client-id={cid}&uid={uid}",
        "--users", "10", "--clients", "2", "--user-offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ]));

    [Fact]
    public void Receivers_with_offsets_share_one_population_of_users_and_unique_client_ids()
    {
        var first = Options(0);
        var second = Options(10);

        Assert.Equal(new Uri("ws://a/chsk?client-id=c0&uid=u0"), first.UrlFor(0, first.FrontEndOf(0)));
        Assert.Equal(new Uri("ws://b/chsk?client-id=c1&uid=u0"), first.UrlFor(1, first.FrontEndOf(1)));
        Assert.Equal(new Uri("ws://a/chsk?client-id=c20&uid=u10"), second.UrlFor(0, second.FrontEndOf(0)));
        Assert.Equal("u19", second.UserIdOf(19));
    }

    [Fact]
    public void Sente_json_answers_the_server_ping_with_a_pong()
    {
        var protocol = ClientProtocol.Parse("sente-json");
        Assert.Null(protocol.OpenMessage);
        Assert.Equal("[\":chsk/ws-ping\",null]", Encoding.UTF8.GetString(protocol.ServerPing!));
        Assert.Equal("[[\":chsk/ws-pong\"],null]", Encoding.UTF8.GetString(protocol.PongMessage!));
    }

    [Fact]
    public void Reports_of_several_receivers_merge_into_one()
    {
        var histogram = new LogHistogram();
        histogram.Record(100);
        var a = histogram.SnapshotAndReset();
        histogram.Record(5_000);
        var b = histogram.SnapshotAndReset();
        var merged = ScenarioRunner.Merge(
        [
            new ReceiverReport(10, 0, 5, 0, 1, 1, a.Max, a.ToSparse(), 100, 100, [1, 2, 3], new() { ["closed 1008: ping timeout"] = 2 }),
            new ReceiverReport(20, 0, 7, 1, 0, 0, b.Max, b.ToSparse(), 90, 100, [4, 5], new() { ["closed 1008: ping timeout"] = 3, ["WebSocketException: reset"] = 1 }),
        ]);

        Assert.Equal(30, merged.Delivered);
        Assert.Equal(12, merged.Open);
        Assert.Equal(1, merged.Failed);
        Assert.Equal(5_000, merged.MaxMicros);
        Assert.Equal(2, merged.Histogram().TotalCount);
        Assert.Equal([5L, 7, 3], merged.Timeline);
        Assert.Equal(90, merged.MarkTimestamp);
        Assert.Equal(5, merged.CloseReasons!["closed 1008: ping timeout"]);
        Assert.Equal(1, merged.CloseReasons["WebSocketException: reset"]);
    }

    [Fact]
    public void Large_idle_runs_get_a_receiver_per_eighteen_thousand_clients()
    {
        static ScenarioSpec Idle(int users) => new("S4", "S4", ScenarioKind.Idle, users, 2, 0, 1, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
        Assert.Equal(1, ScenarioRunner.ReceiversFor(Idle(7_500)));
        Assert.Equal(6, ScenarioRunner.ReceiversFor(Idle(50_000)));
        Assert.Equal(6, Systems.SenteSystem.FrontEndsFor(100_000));
        Assert.Equal(2, Systems.SenteSystem.FrontEndsFor(2_000));
    }
}
