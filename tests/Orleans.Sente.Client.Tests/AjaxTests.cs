using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Client.Tests;

[Collection(ClientCollection.Name)]
public sealed class AjaxTests(ClientFixture fixture)
{
    [Fact]
    public async Task Auto_falls_back_to_Ajax_for_good_when_the_WebSocket_is_refused()
    {
        var uid = ClientKit.NewUid("fallback");
        await using var client = ClientKit.Create(fixture, uid, o => o.Params[ClientFixture.RefuseWsParam] = "1");

        await client.ConnectAsync().Bounded();

        Assert.True(client.State.Open);
        Assert.Equal(SenteClientTransport.Ajax, client.State.Transport);
        Assert.Equal(uid, client.State.UserId);
        Assert.Equal(SenteCloseReason.DowngradingWsToAjax, client.State.LastClose?.Reason);
        Assert.Equal((EdnValue)"over ajax", await client.RequestAsync("test/echo", "over ajax", TestTimeouts.Frame).Bounded());
        await ClientKit.PushAsync(fixture, uid, client.ClientId, "test/push", 7).Bounded();
        Assert.Equal((EdnValue)7, (await client.NextEventAsync("test/push")).Data);
    }

    [Fact]
    public async Task Ajax_round_trip_handshake_request_send_and_push()
    {
        var uid = ClientKit.NewUid("ajax");
        await using var client = ClientKit.Create(fixture, uid, o => o.Transport = SenteClientTransport.Ajax);
        var handled = new TaskCompletionSource<SenteEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = client.On("test/push", e =>
        {
            handled.TrySetResult(e);
            return Task.CompletedTask;
        });

        await client.ConnectAsync().Bounded();
        Assert.Equal(SenteClientTransport.Ajax, client.State.Transport);
        Assert.Equal(uid, client.State.UserId);
        Assert.Equal(EdnMap.Of(("server", "s1")), client.State.HandshakeData);
        Assert.Null(client.State.LastClose);

        var data = EdnMap.Of(("q", 2));
        Assert.Equal(data, await client.RequestAsync("test/echo", data, TestTimeouts.Frame).Bounded());

        await ClientKit.PushAsync(fixture, uid, client.ClientId, "test/push", "polled").Bounded();
        Assert.Equal((EdnValue)"polled", (await client.NextEventAsync("test/push")).Data);
        Assert.Equal((EdnValue)"polled", (await handled.Task.Bounded()).Data);

        // A send without a callback reaches its handler, which pushes back to the sender. A POST
        // carries no app params, so the server dispatches it with the nil-uid: a client without a
        // user-id (its poll and its POST agree on the nil-uid) sees the push come back.
        await using var anonymous = ClientKit.Create(fixture, null, o => o.Transport = SenteClientTransport.Ajax);
        await anonymous.ConnectAsync().Bounded();
        await anonymous.SendAsync("test/note", "posted").Bounded();
        Assert.Equal((EdnValue)"posted", (await anonymous.NextEventAsync("test/noted")).Data);
    }

    [Fact]
    public async Task Ajax_request_without_a_reply_times_out()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("ajax-silent"), o => o.Transport = SenteClientTransport.Ajax);
        await client.ConnectAsync().Bounded();

        var failure = await Assert.ThrowsAsync<SenteRequestException>(
            () => client.RequestAsync("test/silent", "anyone?", TimeSpan.FromMilliseconds(300)).Bounded());

        Assert.Equal(SenteRequestFailure.Timeout, failure.Reason);
        Assert.True(client.State.Open);
    }

    [Fact]
    public async Task Ajax_disconnect_closes_and_sending_then_fails_with_Closed()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("ajax-bye"), o => o.Transport = SenteClientTransport.Ajax);
        await client.ConnectAsync().Bounded();

        await client.DisconnectAsync().Bounded();

        Assert.False(client.State.Open);
        Assert.Equal(SenteCloseReason.RequestedDisconnect, client.State.LastClose?.Reason);
        var failure = await Assert.ThrowsAsync<SenteRequestException>(() => client.SendAsync("test/note", "x"));
        Assert.Equal(SenteRequestFailure.Closed, failure.Reason);
    }
}
