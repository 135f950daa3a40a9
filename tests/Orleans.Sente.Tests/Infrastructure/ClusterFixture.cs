namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>Two silos and two front ends, each front end a client of both silos' gateways.</summary>
public sealed class ClusterFixture : TwoByTwoClusterFixture
{
    /// <summary>Front ends with the default handlers (<see cref="TestFrontEnd"/>), no uidport recorder.</summary>
    private protected override Task<TestFrontEnd> StartFrontEndAsync() => TestFrontEnd.StartAsync(Silos);
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
