using Orleans.Sente.AspNetCore;
using Orleans.Sente.Grains;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Two silos and two front ends, each front end a client of both silos' gateways, uidport events
/// recorded. A fixture chooses its grain settings and how its front ends start; the start and stop
/// order is the same for all.
/// </summary>
public abstract class TwoByTwoClusterFixture : IAsyncLifetime
{
    internal UidPortRecorder UidPorts { get; } = new();

    internal TestSilo Silo1 { get; private set; } = null!;

    internal TestSilo Silo2 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd1 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd2 { get; private set; } = null!;

    internal IReadOnlyList<TestSilo> Silos => [Silo1, Silo2];

    public async Task InitializeAsync()
    {
        Silo1 = await TestSilo.StartAsync(null, ConfigureGrains);
        Silo2 = await TestSilo.StartAsync(Silo1, ConfigureGrains);
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

    /// <summary>The silos' grain settings; the defaults unless a fixture says otherwise.</summary>
    private protected virtual void ConfigureGrains(SenteGrainOptions options)
    {
    }

    /// <summary>A front end with the test handlers and the uidport recorder, unless a fixture says otherwise.</summary>
    private protected virtual Task<TestFrontEnd> StartFrontEndAsync() =>
        TestFrontEnd.StartAsync(Silos, map: app => TestHandlers.Map(UidPorts.Map(app.MapSente())));
}
