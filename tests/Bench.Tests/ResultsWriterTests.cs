using System.Xml.Linq;
using Orleans.Sente.Bench.Results;
using Orleans.Sente.Bench.Scenarios;

namespace Orleans.Sente.Bench.Tests;

public sealed class ResultsWriterTests
{
    private static BenchReport Report() => new(
        new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero), "dotnet run -- --smoke", 2, 23.4, ".NET 10", Smoke: true,
        [
            new RunResult
            {
                System = "signalr", Scenario = "S1", Label = "S1 saturated", Clients = 40, ClientsPerUser = 2, Connected = 40,
                Seconds = 2, PushesAcked = 1000, Deliveries = 2000, DeliveriesPerSecond = 1000, P50Ms = 1.5, P99Ms = 9.25, MaxMs = 20,
                SystemCpuMicrosPerDelivery = 55.5, WholeCpuMicrosPerDelivery = 80, SystemKiBPerConnection = 32, SystemMarginalKiBPerConnection = 25,
                Processes = [new ProcessFigures("server A", true, 0.11, 80)],
            },
            new RunResult { System = "kestrel-ws", Scenario = "S4", Label = "S4 idle | pipes", Clients = 200, Connected = 150, Error = "held 150 of 200" },
            new RunResult
            {
                System = "signalr-redis", Scenario = "S5", Label = "S5 kill", Clients = 40, ClientsPerUser = 2, Connected = 40,
                Deliveries = 10, DeliveriesPerSecond = 5, ResumeMs = 1234, Lost = 17, Reconnects = 20, LoadAverage = double.NaN,
            },
        ]);

    [Fact]
    public void Json_round_trips_including_NaN()
    {
        var json = JsonResultsWriter.Serialize(Report());
        var back = JsonResultsWriter.Deserialize(json);

        Assert.NotNull(back);
        Assert.Equal(3, back.Runs.Count);
        Assert.Equal(55.5, back.Runs[0].SystemCpuMicrosPerDelivery);
        Assert.Equal("server A", back.Runs[0].Processes[0].Role);
        Assert.True(double.IsNaN(back.Runs[2].LoadAverage));
        Assert.Contains("\"deliveriesPerSecond\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_has_a_header_and_one_row_per_run_with_escaped_pipes()
    {
        var lines = MarkdownResultsWriter.Render(Report()).Split('\n').Where(l => l.StartsWith('|')).ToArray();

        Assert.Equal(2 + 3, lines.Length);
        Assert.Contains("| signalr | S1 saturated | 40 | 1,000 | 1.5 / 9.3 / 20 | 55.5 |", lines[2], StringComparison.Ordinal);
        Assert.Contains("S4 idle \\| pipes", lines[3], StringComparison.Ordinal);
        Assert.Contains("FAILED: held 150 of 200", lines[3], StringComparison.Ordinal);
        Assert.Contains("resumed after 1,234 ms, 17 deliveries lost, 20 reconnects", lines[4], StringComparison.Ordinal);
        var columns = lines[0].Count(c => c == '|');
        Assert.All(lines, l => Assert.Equal(columns, l.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|')));
    }

    [Fact]
    public void Charts_are_well_formed_svg_with_a_bar_per_value()
    {
        var charts = ChartSet.Render(Report());

        Assert.Contains("throughput.svg", charts.Keys);
        Assert.Contains("latency.svg", charts.Keys);
        Assert.Contains("memory.svg", charts.Keys);
        foreach (var svg in charts.Values)
        {
            var doc = XDocument.Parse(svg);
            Assert.Equal("svg", doc.Root!.Name.LocalName);
        }

        var latency = XDocument.Parse(charts["latency.svg"]);
        var bars = latency.Descendants().Count(e => e.Name.LocalName == "rect" && e.Attribute("height")?.Value != "12") - 1;
        Assert.Equal(3, bars); // p50, p90 (zero height) and p99 of the one load run; the rest is background
    }

    [Fact]
    public void Connect_runs_get_their_own_table_with_calls_per_connect_by_method()
    {
        var connect = new RunResult
        {
            System = "sente", Scenario = "S9", Label = "S9 connects, 8 front ends", Clients = 2000, ClientsPerUser = 1, Connected = 2500,
            Connects = 2000, FrontEnds = 8, ConnectSpanMs = 20_012, ConnectP50Ms = 4.5, ConnectP99Ms = 30.1, ConnectMaxMs = 88,
            SystemCpuMicrosPerConnect = 1234.4, IdleSystemCores = 0.081, MessagesPerOperation = 25.25, GrainCallsPerOperation = 6.5,
            GrainCallsPerOperationByMethod = new Dictionary<string, double> { ["IUserGrain.Attach"] = 1, ["IFrontEndRegistryGrain.GetLive"] = 1.4, ["IUserGrain.Push"] = 0.01 },
        };
        var report = Report() with { Runs = [.. Report().Runs, connect] };

        var md = MarkdownResultsWriter.Render(report);
        var tables = md.Split("\n\n").Where(block => block.StartsWith('|')).ToArray();
        Assert.Equal(2, tables.Length);
        Assert.DoesNotContain("S9 connects", tables[0], StringComparison.Ordinal);
        var row = tables[1].Split('\n').Single(l => l.Contains("S9 connects", StringComparison.Ordinal));
        Assert.Contains("| sente | S9 connects, 8 front ends | 8 | 2,000 | 20,012 | 4.5 / 30.1 / 88 | 1234 | 0.081 | 25.3 | 6.5 |", row, StringComparison.Ordinal);
        Assert.Contains("IFrontEndRegistryGrain.GetLive 1.40, IUserGrain.Attach 1.00", row, StringComparison.Ordinal);
        Assert.DoesNotContain("IUserGrain.Push", row, StringComparison.Ordinal);

        var charts = ChartSet.Render(report);
        Assert.Contains("connect-cpu.svg", charts.Keys);
        Assert.Contains("connect-messages.svg", charts.Keys);
        Assert.DoesNotContain("connect-storm.svg", charts.Keys);
        Assert.All(charts.Values, svg => XDocument.Parse(svg));
    }

    [Fact]
    public void A_run_that_lost_clients_says_how_many_and_why()
    {
        var run = new RunResult
        {
            System = "sente", Scenario = "S6", Label = "S6 group", Clients = 20, ClientsPerUser = 2, Connected = 20, OpenAtEnd = 14,
            DeliveriesPerPush = 20, GroupMembers = 10, GroupSetupSeconds = 1.5, GroupSetupRetries = 2,
            CloseReasons = new Dictionary<string, long> { ["closed 1008: ping timeout"] = 5, ["WebSocketException: reset"] = 1 },
        };

        var row = MarkdownResultsWriter.Row(run);
        Assert.Contains("6 clients closed during the run (5 closed 1008: ping timeout, 1 WebSocketException: reset)", row, StringComparison.Ordinal);
        Assert.Contains("members added in 1.5 s (2 additions tried again)", row, StringComparison.Ordinal);
        Assert.DoesNotContain("clients closed", MarkdownResultsWriter.Row(run with { OpenAtEnd = 20 }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(18_700, 20_000)]
    [InlineData(21_000, 25_000)]
    [InlineData(42, 50)]
    public void Axis_tops_are_round(double max, double top) => Assert.Equal(top, SvgBarChart.NiceCeiling(max));

    [Fact]
    public void Recovery_is_measured_from_the_kill_to_the_end_of_the_dip()
    {
        // 100 ms buckets: 20 per bucket, kill at 1000 ms, half rate for 500 ms, back after.
        var timeline = Enumerable.Repeat(20L, 10).Concat(Enumerable.Repeat(10L, 5)).Concat(Enumerable.Repeat(20L, 20)).ToArray();
        var resume = RecoveryAnalysis.ResumeMs(timeline, 100, 1000, 3400);
        Assert.InRange(resume, 400, 800);
        Assert.Equal(0, RecoveryAnalysis.ResumeMs(Enumerable.Repeat(20L, 35).ToArray(), 100, 1000, 3400));

        // A burst before the kill does not raise the bar when the paced rate is known.
        var bursty = Enumerable.Repeat(40L, 10).Concat(Enumerable.Repeat(20L, 25)).ToArray();
        Assert.Equal(0, RecoveryAnalysis.ResumeMs(bursty, 100, 1000, 3400, expectedPerBucket: 20));
    }
}
