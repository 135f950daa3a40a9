using Orleans.Sente.Bench.LoadGen;
using Orleans.Sente.Bench.Results;
using Orleans.Sente.Bench.Scenarios;

namespace Orleans.Sente.Bench.Tests;

public sealed class ScenarioCatalogTests
{
    private static IReadOnlyList<ScenarioSpec> Build(params string[] args) => ScenarioCatalog.Build(BenchOptions.Parse(args));

    [Fact]
    public void Without_scenarios_the_comparison_S1_to_S5_runs_and_S6_to_S10_are_asked_for_by_name()
    {
        Assert.Equal(["S1", "S2", "S3", "S4", "S5"], BenchOptions.Parse([]).Scenarios);
        Assert.Equal(["S6", "S10"], BenchOptions.Parse(["--scenarios", "s6,S10"]).Scenarios);
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--scenarios", "S11"]));
    }

    [Fact]
    public void Group_scenarios_pace_each_group_to_the_same_deliveries_per_second()
    {
        var groups = Build("--scenarios", "S6");
        Assert.Equal([1_000, 10_000], groups.Select(g => g.Users));
        Assert.All(groups, g =>
        {
            Assert.Equal(ScenarioCatalog.GroupName, g.Group);
            Assert.Equal(g.Clients, g.DeliveriesPerPush);
            Assert.Equal(ScenarioCatalog.DefaultGroupDeliveries, g.Rate * g.Clients, precision: 6);
            Assert.True(g.RunsOn("sente") && g.RunsOn("signalr-redis") && !g.RunsOn("kestrel-ws") && !g.RunsOn("signalr"));
        });

        // 20,000 clients: two receivers (a process holds at most 18,000 here) and two source addresses.
        Assert.Equal(2, ScenarioRunner.ReceiversFor(groups[1]));
        Assert.Equal(2, groups[1].SourceAddresses);
        Assert.Equal(0.5, Build("--scenarios", "S6", "--group-deliveries", "10000")[1].Rate, precision: 6);
    }

    [Fact]
    public void Producer_and_scale_out_scenarios_are_S1s_load_on_Orleans_Sente_with_messages_counted()
    {
        var variants = Build("--scenarios", "S7,S8");
        Assert.All(variants, v =>
        {
            Assert.Equal((1000, 2, 0.0), (v.Users, v.ClientsPerUser, v.Rate));
            Assert.True(v.CountMessages);
            Assert.True(v.RunsOn("sente") && v.RunsOn("sente-flush") && !v.RunsOn("signalr-redis"));
        });
        Assert.Equal([PushProducer.Gateway, PushProducer.Grain, PushProducer.Gateway, PushProducer.Gateway], variants.Select(v => v.Producer));
        Assert.Equal([(2, 2), (4, 4)], variants.Where(v => v.Id == "S8").Select(v => (v.Silos, v.FrontEnds)));
    }

    [Fact]
    public void Connect_scenarios_choose_their_front_ends_rate_and_warm_up()
    {
        var connects = Build("--scenarios", "S9");
        Assert.Equal([2, 8, 32], connects.Select(c => c.FrontEnds));
        Assert.All(connects, c =>
        {
            Assert.Equal(ScenarioKind.Connect, c.Kind);
            Assert.Equal(1, c.ClientsPerUser);
            Assert.True(c.ConnectRate > 0);
            Assert.Equal((c.Users + c.WarmupUsers) * 1, c.TotalClients);
        });
        Assert.Equal([4, 16], Build("--scenarios", "S9", "--front-ends", "4,16").Select(c => c.FrontEnds));

        var storm = Assert.Single(Build("--scenarios", "S10"));
        Assert.Equal(10_000, storm.Clients);
        Assert.Equal(10_000, storm.ConnectConcurrency);
        Assert.Equal(0, storm.ConnectRate);
    }

    [Fact]
    public void Smoke_sizes_of_the_new_scenarios_are_one_small_run_each()
    {
        var smoke = ScenarioCatalog.Build(BenchOptions.Parse(["--smoke", "--scenarios", "S6,S7,S8,S9,S10"]));
        Assert.Equal(["S6", "S7", "S8", "S9", "S10"], smoke.Select(s => s.Id));
        Assert.All(smoke, s => Assert.InRange(s.TotalClients, 1, 300));
        Assert.Equal(PushProducer.Grain, smoke.Single(s => s.Id == "S7").Producer);
        Assert.Equal(4, smoke.Single(s => s.Id == "S8").Silos);
    }

    [Fact]
    public void The_ready_line_carries_the_connect_times_and_reads_back()
    {
        var histogram = new LogHistogram();
        foreach (var micros in new long[] { 1_000, 2_000, 40_000 })
        {
            histogram.Record(micros);
        }

        var line = ConnectReport.ReadyLine(3, 1, TimeSpan.FromMilliseconds(1234.5), histogram.SnapshotAndReset());
        Assert.StartsWith("READY connected=3 failed=1 spanMs=1234.5 ", line, StringComparison.Ordinal);
        var report = ConnectReport.Parse(line);
        Assert.Equal((3, 1, 1234.5, 40.0), (report.Connected, report.Failed, report.SpanMs, report.MaxMs));
        Assert.InRange(report.P50Ms, 2.0, 2.1);

        // A line from before the connect times were added reads as counts only.
        Assert.Equal(new ConnectReport(5, 0, 0, 0, 0, 0), ConnectReport.Parse("READY connected=5 failed=0"));
    }

    [Fact]
    public void Silo_counts_subtract_and_add_per_key_and_count_each_message_once()
    {
        var before = new SiloCounters(new() { ["SiloToSilo"] = 10 }, new() { ["GatewayToClient"] = 4 }, 7, new() { ["IUserGrain.Push"] = 3 });
        var after = new SiloCounters(new() { ["SiloToSilo"] = 25, ["GatewayToClient"] = 5 }, new() { ["GatewayToClient"] = 10, ["SiloToSilo"] = 15 }, 9,
            new() { ["IUserGrain.Push"] = 8, ["IUserGrain.Attach"] = 1 });

        var window = after.Minus(before);
        Assert.Equal(15, window.Sent["SiloToSilo"]);
        Assert.Equal(5, window.Sent["GatewayToClient"]);
        // Sent (15 + 5) and local (2), plus what clients sent in (6); what came from other silos was counted by them.
        Assert.Equal(15 + 5 + 2 + 6, window.Messages);
        Assert.Equal(6, window.GrainCalls);

        var sum = SiloCounters.Sum([before, after]);
        Assert.Equal(35, sum.Sent["SiloToSilo"]);
        Assert.Equal(16, sum.SentLocal);
        Assert.Equal(11, sum.Calls["IUserGrain.Push"]);
    }

    [Fact]
    public void Lost_tolerance_covers_the_pushes_in_flight_at_the_window_edges_times_their_deliveries()
    {
        RunResult Run(double rate, int deliveriesPerPush) => new()
        {
            System = "sente", Scenario = "S6", Label = "x", ClientsPerUser = 2, TargetRate = rate, DeliveriesPerPush = deliveriesPerPush,
        };

        // Saturated and fast paced runs: the driver's whole window (64 pushes) at each edge, as before.
        Assert.Equal(256, MarkdownResultsWriter.LostTolerance(Run(0, 2)));
        Assert.Equal(256, MarkdownResultsWriter.LostTolerance(Run(1000, 2)));
        Assert.Equal(256, MarkdownResultsWriter.LostTolerance(Run(0, 0)));

        // A group paced at 20 pushes/s: a fifth of a second's pushes at each edge, each to 2,000 clients.
        Assert.Equal(2 * 4 * 2_000, MarkdownResultsWriter.LostTolerance(Run(20, 2_000)));
    }

    [Theory]
    [InlineData("S6 group of 1,000 users (2,000 clients), 20 pushes/s", "group of 1,000 users")]
    [InlineData("S8 saturated, 2000 clients, 4 silos + 4 front ends", "4 silos + 4 front ends")]
    [InlineData("S9 connects, 3 front ends (smoke)", "3 front ends")]
    [InlineData("S10 connect storm, 10,000 clients at once", "10,000 clients at once")]
    [InlineData("S7 saturated, 2000 clients, pushes from the gateway (Orleans client)", "pushes from the gateway")]
    public void Chart_categories_keep_what_tells_a_scenarios_runs_apart(string label, string category) =>
        Assert.Equal(category, ChartSet.ShortLabel(label));
}
