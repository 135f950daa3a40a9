using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>uidport events once per user cluster-wide, and connected-uids from anywhere.</summary>
[Collection(AjaxClusterCollection.Name)]
public sealed class PresenceTests(AjaxClusterFixture cluster)
{
    [Fact]
    public async Task Connected_uids_shows_ajax_ws_and_any()
    {
        var uid = "quinn-" + Guid.NewGuid().ToString("N")[..8];
        using var ajax = new AjaxClient("qa-" + uid, uid);
        await ajax.GetAsync(cluster.FrontEnd1, handshake: true);
        Assert.StartsWith($"open {uid} ", await cluster.UidPorts.NextAsync(uid));

        await Eventually.HoldsAsync(
            () => cluster.Silo2.Grains.GetConnectedUidsAsync(),
            uids => uids.Ajax.Contains(uid) && uids.Any.Contains(uid) && !uids.Ws.Contains(uid),
            $"{uid} on ajax only");

        var (ws, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, uid);
        await using var _ws = ws;
        await Eventually.HoldsAsync(
            () => cluster.Silo1.Grains.GetConnectedUidsAsync(),
            uids => uids.Ajax.Contains(uid) && uids.Ws.Contains(uid) && uids.Any.Contains(uid),
            $"{uid} on ajax and ws");
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
