namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>Two silos and two front ends, each front end a client of both silos' gateways.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal TestSilo Silo1 { get; private set; } = null!;

    internal TestSilo Silo2 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd1 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd2 { get; private set; } = null!;

    internal IReadOnlyList<TestSilo> Silos => [Silo1, Silo2];

    public async Task InitializeAsync()
    {
        Silo1 = await TestSilo.StartAsync(null);
        Silo2 = await TestSilo.StartAsync(Silo1);
        FrontEnd1 = await TestFrontEnd.StartAsync(Silos);
        FrontEnd2 = await TestFrontEnd.StartAsync(Silos);
    }

    public async Task DisposeAsync()
    {
        await FrontEnd1.DisposeAsync();
        await FrontEnd2.DisposeAsync();
        await Silo2.DisposeAsync();
        await Silo1.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
