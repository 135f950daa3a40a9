using Orleans.Sente.AspNetCore;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// uidport events exactly once per user cluster-wide, with Sente's default WebSocket grace, and
/// connected-uids agreeing at each step. Absence of an event is shown by order, not by waiting:
/// the next event about the user must be the expected one, carrying the expected client.
/// </summary>
public sealed class PresenceGraceTests : IAsyncLifetime
{
    private readonly UidPortRecorder _uidPorts = new();
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd1 = null!;
    private TestFrontEnd _frontEnd2 = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null);
        _frontEnd1 = await StartFrontEndAsync();
        _frontEnd2 = await StartFrontEndAsync();
    }

    public async Task DisposeAsync()
    {
        await _frontEnd1.DisposeAsync();
        await _frontEnd2.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Two_tabs_on_two_front_ends_open_once_a_reload_inside_the_grace_is_invisible_and_the_last_close_closes_once()
    {
        var uid = "pat-" + Guid.NewGuid().ToString("N")[..8];
        var (tab1, _) = await TestClient.ConnectAsync(_frontEnd1, uid, clientId: "c1-" + uid);
        Assert.Equal($"open {uid} {uid} c1-{uid}", await _uidPorts.NextAsync(uid));
        await AssertConnectedAsync(uid, true);

        var (tab2, _) = await TestClient.ConnectAsync(_frontEnd2, uid, clientId: "c2-" + uid);
        await AssertConnectedAsync(uid, true);

        // One tab closes: the other keeps the user online.
        await tab1.DisposeAsync();
        await AssertConnectedAsync(uid, true);

        // The other reloads inside the grace period, landing on the other front end.
        await tab2.DisposeAsync();
        var (reloaded, _) = await TestClient.ConnectAsync(_frontEnd1, uid, clientId: "c2-" + uid);
        await AssertConnectedAsync(uid, true);

        // The last tab closes: one close, after the grace.
        await reloaded.DisposeAsync();
        Assert.Equal($"close {uid} {uid}", await _uidPorts.NextAsync(uid));
        await AssertConnectedAsync(uid, false);

        // Nothing came between: the next event about the user is this new tab's open.
        var (tab3, _) = await TestClient.ConnectAsync(_frontEnd2, uid, clientId: "c3-" + uid);
        await using var _ = tab3;
        Assert.Equal($"open {uid} {uid} c3-{uid}", await _uidPorts.NextAsync(uid));
        await AssertConnectedAsync(uid, true);
    }

    private Task AssertConnectedAsync(string uid, bool connected) =>
        Eventually.HoldsAsync(
            () => _silo.Grains.GetConnectedUidsAsync(),
            uids => uids.Any.Contains(uid) == connected && uids.Ws.Contains(uid) == connected && !uids.Ajax.Contains(uid),
            $"connected-uids shows {uid} as {(connected ? "connected on ws" : "gone")}");

    private Task<TestFrontEnd> StartFrontEndAsync() =>
        TestFrontEnd.StartAsync([_silo], map: app => TestHandlers.Map(_uidPorts.Map(app.MapSente())));
}
