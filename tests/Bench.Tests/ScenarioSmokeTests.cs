namespace Orleans.Sente.Bench.Tests;

/// <summary>
/// The smoke size of scenarios S6-S10, each as its own harness process: every system a scenario
/// compares, at a few dozen clients (a few hundred in S10), failing unless pushes were delivered or
/// handshakes arrived.
/// </summary>
[Collection(SmokeRun.Collection)]
public sealed class ScenarioSmokeTests
{
    [Fact]
    public async Task S6_group_pushes_reach_every_client_of_every_member_on_Orleans_Sente_and_on_SignalR_with_Redis()
    {
        var (report, output, outDir) = await SmokeRun.RunAsync("sente,signalr-redis", "S6");
        Assert.Equal(["sente", "signalr-redis"], report.Runs.Select(r => r.System).Order());
        foreach (var run in report.Runs)
        {
            // 10 users with 2 clients each, all in the group: every push is 20 deliveries.
            Assert.Equal(20, run.Connected);
            Assert.Equal(10, run.GroupMembers);
            Assert.Equal(20, run.DeliveriesPerPush);
            SmokeRun.AssertAcknowledgedAndDeliveredWithinInFlightTolerance(run, output, minimumAcknowledged: 40);
        }

        // Orleans.Sente's members were added through IGroupGrain before the warm-up; SignalR's joined as they connected.
        Assert.False(double.IsNaN(report.Runs.Single(r => r.System == "sente").GroupSetupSeconds), output);
        Assert.True(double.IsNaN(report.Runs.Single(r => r.System == "signalr-redis").GroupSetupSeconds), output);
        Assert.True(File.Exists(Path.Combine(outDir, "groups-cpu.svg")));
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public async Task S7_pushes_issued_by_a_grain_in_the_silos_reach_both_clients_of_each_user()
    {
        var (report, output, outDir) = await SmokeRun.RunAsync("sente", "S7");
        var load = Assert.Single(report.Runs);
        SmokeRun.AssertAcknowledgedAndDeliveredWithinInFlightTolerance(load, output, minimumAcknowledged: 100);

        // Each push went through a user grain once; the silos counted their messages.
        Assert.NotNull(load.GrainCallsPerOperationByMethod);
        Assert.InRange(load.GrainCallsPerOperationByMethod["IUserGrain.Push"], 0.8, 1.2);
        Assert.True(load.MessagesPerOperation > 0, output);
        Assert.True(File.Exists(Path.Combine(outDir, "messages-per-push.svg")));
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public async Task S8_four_silos_and_four_front_ends_deliver_acknowledged_pushes_to_both_clients_of_a_user_within_the_in_flight_tolerance()
    {
        var (report, output, outDir) = await SmokeRun.RunAsync("sente", "S8");
        var load = Assert.Single(report.Runs);
        // Eight processes warming up on two cores deliver slowly at first: the smoke checks that what
        // was acknowledged reached both clients of its user, not how much.
        SmokeRun.AssertAcknowledgedAndDeliveredWithinInFlightTolerance(load, output, minimumAcknowledged: 1);
        Assert.Equal(4, load.Silos);
        Assert.Equal(4, load.FrontEnds);
        Assert.Equal(["silo A", "silo B", "silo C", "silo D"], load.Processes.Where(p => p.Role.StartsWith("silo", StringComparison.Ordinal)).Select(p => p.Role).Order());
        Assert.True(File.Exists(Path.Combine(outDir, "producer-scaleout-cpu.svg")));
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public async Task S9_every_connect_gets_its_handshake_and_the_silos_count_one_attach_per_connect()
    {
        var (report, output, outDir) = await SmokeRun.RunAsync("sente", "S9");
        var run = Assert.Single(report.Runs);
        Assert.True(run.Ok, run.Error + "\n" + output);
        Assert.Equal(3, run.FrontEnds);
        Assert.Equal(20, run.Connects);
        Assert.True(run.ConnectSpanMs > 0, output);

        // A front end attaches each connection to its user's grain with one call. A user coming
        // online asks its presence shard, not the front-end registry (nor, so, every front end): the
        // registry is asked by each of the 16 presence shards as it first activates, and by a user
        // grain whose shard, still settling just after the cluster started, did not answer in time.
        // One ask per connect (as before) would make it at least 16 + 20.
        Assert.NotNull(run.GrainCallsPerOperationByMethod);
        Assert.Equal(1.0, run.GrainCallsPerOperationByMethod["IUserRoutingGrain.Attach"], precision: 3);
        var registryAsks = run.GrainCallsPerOperationByMethod.GetValueOrDefault("IFrontEndLeaseGrain.GetLive") * run.Connects;
        Assert.True(registryAsks <= 16 + (run.Connects / 2) + 0.5, $"the registry was asked {registryAsks:F0} times for {run.Connects} connects");
        Assert.True(run.MessagesPerOperation > 0, output);
        Assert.False(double.IsNaN(run.SystemCpuMicrosPerConnect), output);
        Assert.True(File.Exists(Path.Combine(outDir, "connect-messages.svg")));
        Directory.Delete(outDir, recursive: true);
    }

    [Fact]
    public async Task S10_a_connect_storm_gets_every_client_its_handshake_on_Orleans_Sente_and_on_SignalR_with_Redis()
    {
        var (report, output, outDir) = await SmokeRun.RunAsync("sente,signalr-redis", "S10");
        Assert.Equal(["sente", "signalr-redis"], report.Runs.Select(r => r.System).Order());
        foreach (var run in report.Runs)
        {
            Assert.True(run.Ok, run.Error + "\n" + output);
            Assert.Equal(200, run.Connects);
            Assert.Equal(208, run.Connected); // and the 8 warm-up clients
            Assert.True(run.ConnectSpanMs > 0, output);
            Assert.InRange(run.ConnectP50Ms, 0, run.ConnectMaxMs);
        }

        Assert.True(File.Exists(Path.Combine(outDir, "connect-storm.svg")));
        Directory.Delete(outDir, recursive: true);
    }
}
