using Orleans.Sente.Grains;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Two silos and two front ends for tests that make Orleans collect or deactivate grains, with a
/// WebSocket grace long enough (3 s) for a client to come back after a forced collection on a busy
/// machine. uidport events recorded.
/// </summary>
public sealed class CollectionClusterFixture : TwoByTwoClusterFixture
{
    public static readonly TimeSpan WsCloseGrace = TimeSpan.FromSeconds(3);

    private protected override void ConfigureGrains(SenteGrainOptions o)
    {
        o.WsCloseGrace = WsCloseGrace;

        // The race test's stand-in front end renews its lease once; a loaded machine may take
        // longer than the default 6 s to reach its rebuild, which must still find it live.
        o.LeasePeriod = TimeSpan.FromMinutes(1);
        o.ReplayWindowMaxAge = TimeSpan.FromMinutes(2);
    }
}

[CollectionDefinition(Name)]
public sealed class CollectionClusterCollection : ICollectionFixture<CollectionClusterFixture>
{
    public const string Name = "collection cluster";
}
