using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CrossClusterPushTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Push_from_a_grain_on_the_other_silo_reaches_each_client_of_the_user_once_as_a_batch()
    {
        var user = "alice-" + Guid.NewGuid().ToString("N")[..8];
        var other = "bob-" + Guid.NewGuid().ToString("N")[..8];
        var (a1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, user);
        var (a2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, user);
        var (b1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, other);
        await using var _a1 = a1;
        await using var _a2 = a2;
        await using var _b1 = b1;

        // Find the silo that does not host the user's grain, and push from a grain there.
        var userSilo = await cluster.Silo1.Grains.GetGrain<IProbeGrain>(Guid.NewGuid()).WhereIsUserAsync(user);
        var pushingSilo = cluster.Silos.First(s => s.Address != userSilo);
        var probe = pushingSilo.Grains.GetGrain<IProbeGrain>(Guid.NewGuid());
        var pushedFrom = await probe.PushAsync(user, SenteEvent.Create("test/hello", EdnMap.Of(("n", 1))), null);

        Assert.Equal(pushingSilo.Address, pushedFrom);
        Assert.NotEqual(userSilo, pushedFrom);
        Assert.Equal("""[[[":test/hello",{"n":1}]],null]""", await a1.ReceiveAsync());
        Assert.Equal("""[[[":test/hello",{"n":1}]],null]""", await a2.ReceiveAsync());

        // The other user got nothing: the first thing it receives is its own marker, alone.
        await cluster.FrontEnd2.Grains.GetUserGrain(other).PushAsync(SenteEvent.Create("test/marker"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/marker"]],null]""", await b1.ReceiveAsync());

        // And the user's clients got exactly one copy: the next frame each sees is the next push.
        await cluster.FrontEnd1.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/next"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/next"]],null]""", await a1.ReceiveAsync());
        Assert.Equal("""[[[":test/next"]],null]""", await a2.ReceiveAsync());
    }

    [Fact]
    public async Task Push_from_a_front_end_and_from_a_plain_cluster_client_reach_clients_on_both_front_ends()
    {
        var user = "carol-" + Guid.NewGuid().ToString("N")[..8];
        var (c1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, user);
        var (c2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, user);
        await using var _c1 = c1;
        await using var _c2 = c2;

        await cluster.FrontEnd2.Grains.PushAsync(user, "test/from-front-end", "x", flush: true);
        Assert.Equal("""[[[":test/from-front-end","x"]],null]""", await c1.ReceiveAsync());
        Assert.Equal("""[[[":test/from-front-end","x"]],null]""", await c2.ReceiveAsync());

        await using var service = await TestClusterClient.StartAsync(cluster.Silos);
        await service.Grains.PushAsync(user, "test/from-service", 7, flush: true);
        Assert.Equal("""[[[":test/from-service",7]],null]""", await c1.ReceiveAsync());
        Assert.Equal("""[[[":test/from-service",7]],null]""", await c2.ReceiveAsync());
    }

    [Fact]
    public async Task Push_to_one_client_reaches_only_that_client()
    {
        var user = "dave-" + Guid.NewGuid().ToString("N")[..8];
        var (d1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, user);
        var (d2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, user);
        await using var _d1 = d1;
        await using var _d2 = d2;

        await cluster.Silo1.Grains.GetClientGrain(user, d2.ClientId).PushAsync(SenteEvent.Create("test/only-you"), PushOptions.Flushed);
        await cluster.Silo1.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/both"), PushOptions.Flushed);

        Assert.Equal("""[[[":test/only-you"]],null]""", await d2.ReceiveAsync());
        Assert.Equal("""[[[":test/both"]],null]""", await d2.ReceiveAsync());
        Assert.Equal("""[[[":test/both"]],null]""", await d1.ReceiveAsync());
    }

    [Fact]
    public async Task A_client_grain_reports_the_route_its_user_grain_keeps_and_the_newest_connection_wins()
    {
        var user = "fay-" + Guid.NewGuid().ToString("N")[..8];
        var (first, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, user);
        await using var _first = first;
        var client = cluster.Silo2.Grains.GetClientGrain(user, first.ClientId);
        var routing = cluster.Silo2.Grains.GetClientRoutingGrain(user, first.ClientId);
        var frontEnd1 = cluster.FrontEnd1.App.Services.GetRequiredService<FrontEndConnections>().Id;
        var frontEnd2 = cluster.FrontEnd2.App.Services.GetRequiredService<FrontEndConnections>().Id;

        var route = await routing.GetRouteAsync();
        Assert.NotNull(route);
        Assert.Equal(frontEnd1, route.FrontEndId);
        Assert.Equal(SenteTransport.WebSocket, route.Transport);
        Assert.Equal(user, route.UserId);

        // The same client connects again through the other front end: it owns the client now,
        // and the older socket is closed by the server.
        var (second, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, user, clientId: first.ClientId);
        await using var _second = second;
        await first.WaitClosedAsync();
        Assert.Equal(frontEnd2, (await routing.GetRouteAsync())?.FrontEndId);
        await client.PushAsync(SenteEvent.Create("test/to-the-newest"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/to-the-newest"]],null]""", await second.ReceiveAsync());

        // Closed by the client: no route.
        await second.DisposeAsync();
        await Eventually.HoldsAsync(routing.GetRouteAsync, r => r is null, "the closed client has no route");
    }

    [Fact]
    public async Task Two_users_presenting_the_same_client_id_stay_apart()
    {
        var shared = "same-client-id-" + Guid.NewGuid().ToString("N")[..8];
        var (e, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, "erin-" + shared, clientId: shared);
        var (m, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, "mallory-" + shared, clientId: shared);
        await using var _e = e;
        await using var _m = m;

        await cluster.Silo2.Grains.GetUserGrain("erin-" + shared).PushAsync(SenteEvent.Create("test/for-erin"), PushOptions.Flushed);
        await cluster.Silo2.Grains.GetUserGrain("mallory-" + shared).PushAsync(SenteEvent.Create("test/for-mallory"), PushOptions.Flushed);

        Assert.Equal("""[[[":test/for-erin"]],null]""", await e.ReceiveAsync());
        Assert.Equal("""[[[":test/for-mallory"]],null]""", await m.ReceiveAsync());

        // A push to one tab by (user, client-id) reaches that user's tab only: Mallory's next frame
        // is the marker pushed after it, so nothing meant for Erin reached her socket first.
        await cluster.Silo1.Grains.GetClientGrain("erin-" + shared, shared).PushAsync(SenteEvent.Create("test/erin-tab"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/erin-tab"]],null]""", await e.ReceiveAsync());
        await cluster.Silo1.Grains.GetUserGrain("mallory-" + shared).PushAsync(SenteEvent.Create("test/marker"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/marker"]],null]""", await m.ReceiveAsync());
    }

    [Fact]
    public async Task A_broadcast_reaches_every_connected_client()
    {
        var (x, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, "x-" + Guid.NewGuid().ToString("N")[..8]);
        var (y, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, null);
        await using var _x = x;
        await using var _y = y;
        var marker = Guid.NewGuid().ToString("N");

        await cluster.Silo2.Grains.GetFrontEndRegistry().BroadcastAsync(SenteEvent.Create("test/all", marker), PushOptions.Flushed);

        Assert.Equal($$"""[[[":test/all","{{marker}}"]],null]""", await x.ReceiveAsync());
        Assert.Equal($$"""[[[":test/all","{{marker}}"]],null]""", await y.ReceiveAsync());
    }
}
