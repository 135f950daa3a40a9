using Orleans.Sente.Grains;
using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Two silos and two front ends for tests that make Orleans collect or deactivate grains, with a
/// WebSocket grace long enough (3 s) for a client to come back after a forced collection on a busy
/// machine. uidport events recorded.
/// </summary>
public sealed class CollectionClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan WsCloseGrace = TimeSpan.FromSeconds(3);

    internal UidPortRecorder UidPorts { get; } = new();

    internal TestSilo Silo1 { get; private set; } = null!;

    internal TestSilo Silo2 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd1 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd2 { get; private set; } = null!;

    internal IReadOnlyList<TestSilo> Silos => [Silo1, Silo2];

    public async Task InitializeAsync()
    {
        Silo1 = await TestSilo.StartAsync(null, Grace);
        Silo2 = await TestSilo.StartAsync(Silo1, Grace);
        FrontEnd1 = await StartFrontEndAsync();
        FrontEnd2 = await StartFrontEndAsync();
    }

    public async Task DisposeAsync()
    {
        await FrontEnd1.DisposeAsync();
        await FrontEnd2.DisposeAsync();
        await Silo2.DisposeAsync();
        await Silo1.DisposeAsync();
    }

    private static void Grace(SenteGrainOptions o)
    {
        o.WsCloseGrace = WsCloseGrace;

        // The race test's stand-in front end renews its lease once; a loaded machine may take
        // longer than the default 6 s to reach its rebuild, which must still find it live.
        o.LeasePeriod = TimeSpan.FromMinutes(1);
        o.ReplayWindowMaxAge = TimeSpan.FromMinutes(2);
    }

    private Task<TestFrontEnd> StartFrontEndAsync() =>
        TestFrontEnd.StartAsync(Silos, map: app => TestHandlers.Map(UidPorts.Map(app.MapSente())));
}

[CollectionDefinition(Name)]
public sealed class CollectionClusterCollection : ICollectionFixture<CollectionClusterFixture>
{
    public const string Name = "collection cluster";
}
