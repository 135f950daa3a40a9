using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>A cluster of its own: these tests make the silos count a live front end as gone.</summary>
[CollectionDefinition(Name)]
public sealed class LeaseLapseCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "lease-lapse cluster";
}

[Collection(LeaseLapseCollection.Name)]
public sealed class LeaseLapseTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_front_end_counted_as_gone_attaches_its_connections_again_when_it_renews_and_pushes_flow()
    {
        var user = "gus-" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, user);
        await using var _client = client;
        var frontEnd1 = cluster.FrontEnd1.App.Services.GetRequiredService<FrontEnd>().Id;
        var grains = cluster.Silo1.Grains;
        await PushedAndReceivedAsync(grains, user, client);

        // What a lapsed lease does (a front end that stalled, or lost the silos, for longer than a
        // lease): the user grain parks the routes through it, and the registry counts it as gone.
        await grains.GetUserGrain(user).DropFrontEndAsync(frontEnd1);
        await grains.GetFrontEndRegistry().RemoveAsync(frontEnd1);

        // Its next renewal is told so; it attaches its open connections again, and pushes flow.
        await Eventually.HoldsAsync(
            () => grains.GetUserGrain(user).GetClientIdsAsync(), ids => ids.Contains(client.ClientId), "the connection is attached again");
        await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/after-lapse"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/after-lapse"]],null]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_connection_attached_again_after_a_newer_one_took_its_client_is_closed()
    {
        var user = "hal-" + Guid.NewGuid().ToString("N")[..8];
        var (old, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, user);
        await using var _old = old;
        var frontEnd1 = cluster.FrontEnd1.App.Services.GetRequiredService<FrontEnd>();
        var grains = cluster.Silo1.Grains;
        await PushedAndReceivedAsync(grains, user, old);
        await grains.GetUserGrain(user).DropFrontEndAsync(frontEnd1.Id);

        // While front end 1 was counted as gone, the same client connected through front end 2.
        var (newer, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, user, clientId: old.ClientId);
        await using var _newer = newer;
        await grains.GetFrontEndRegistry().RemoveAsync(frontEnd1.Id);

        // Front end 1 attaches its connection again on its next renewal: the newer one keeps the client.
        await old.WaitClosedAsync();
        Assert.Equal("replaced by a newer connection of this client", old.CloseReason);
        await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/newest"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/newest"]],null]""", await newer.ReceiveAsync());
    }

    /// <summary>A push that arrived: the user grain is past its activation's rebuild, which could otherwise restore a route later.</summary>
    private static async Task PushedAndReceivedAsync(IGrainFactory grains, string user, TestClient client)
    {
        await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/before"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/before"]],null]""", await client.ReceiveAsync());
    }
}
