using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>uidport events once per user cluster-wide, and connected-uids from anywhere.</summary>
[Collection(AjaxClusterCollection.Name)]
public sealed class PresenceTests(AjaxClusterFixture cluster)
{
    [Fact]
    public async Task Two_tabs_on_two_front_ends_open_once_and_close_once_after_the_grace()
    {
        var uid = "pat-" + Guid.NewGuid().ToString("N")[..8];
        var (tab1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, uid);
        Assert.StartsWith($"open {uid} ", await cluster.UidPorts.NextAsync(uid));
        var (tab2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, uid);

        var uids = await cluster.Silo1.Grains.GetConnectedUidsAsync();
        Assert.Contains(uid, uids.Ws);
        Assert.Contains(uid, uids.Any);
        Assert.DoesNotContain(uid, uids.Ajax);

        // Closing one tab changes nothing; the second open never came.
        await tab1.DisposeAsync();
        Assert.True(await cluster.UidPorts.QuietAsync(uid, TimeSpan.FromSeconds(1.5)));

        await tab2.DisposeAsync();
        Assert.Equal($"close {uid} {uid}", await cluster.UidPorts.NextAsync(uid));
        Assert.True(await cluster.UidPorts.QuietAsync(uid, TimeSpan.FromSeconds(1)));
        Assert.DoesNotContain(uid, (await cluster.Silo2.Grains.GetConnectedUidsAsync()).Any);
    }

    [Fact]
    public async Task Connected_uids_shows_ajax_ws_and_any()
    {
        var uid = "quinn-" + Guid.NewGuid().ToString("N")[..8];
        using var ajax = new AjaxClient("qa-" + uid, uid);
        await ajax.GetAsync(cluster.FrontEnd1, handshake: true);
        Assert.StartsWith($"open {uid} ", await cluster.UidPorts.NextAsync(uid));

        var uids = await cluster.Silo2.Grains.GetConnectedUidsAsync();
        Assert.Contains(uid, uids.Ajax);
        Assert.DoesNotContain(uid, uids.Ws);

        var (ws, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, uid);
        await using var _ws = ws;
        uids = await cluster.Silo1.Grains.GetConnectedUidsAsync();
        Assert.Contains(uid, uids.Ajax);
        Assert.Contains(uid, uids.Ws);
        Assert.Contains(uid, uids.Any);
    }

    [Fact]
    public async Task All_users_without_uid_reaches_nil_uid_clients_on_both_transports()
    {
        var (ws, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, null);
        await using var _ws = ws;
        using var ajax = new AjaxClient("anon-" + Guid.NewGuid().ToString("N")[..8], packer: "json");
        await ajax.GetAsync(cluster.FrontEnd2, handshake: true);
        var marker = Guid.NewGuid().ToString("N");

        await cluster.Silo1.Grains.GetUsersWithoutUidGrain().PushAsync(Protocol.SenteEvent.Create("test/anon", marker), PushOptions.Flushed);

        Assert.Equal($$"""[[[":test/anon","{{marker}}"]],null]""", await ws.ReceiveAsync());
        Assert.Equal($$"""[[[":test/anon","{{marker}}"]],null]""", (await ajax.GetAsync(cluster.FrontEnd2)).Body);
        Assert.Throws<ArgumentNullException>(() => cluster.Silo1.Grains.GetUserGrain(null!));
    }
}
