using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Client.Tests;

[Collection(ClientCollection.Name)]
public sealed class WebSocketTests(ClientFixture fixture)
{
    [Fact]
    public async Task Connect_returns_after_the_handshake_with_the_user_id_and_handshake_data()
    {
        var uid = ClientKit.NewUid("alice");
        await using var client = ClientKit.Create(fixture, uid, o => o.Transport = SenteClientTransport.WebSocket);

        await client.ConnectAsync().Bounded();

        var state = client.State;
        Assert.True(state.Open);
        Assert.True(state.EverOpened);
        Assert.Equal(uid, state.UserId);
        Assert.Equal(SenteClientTransport.WebSocket, state.Transport);
        Assert.Equal(EdnMap.Of(("server", "s1")), state.HandshakeData);
        Assert.Null(state.LastClose);
    }

    [Fact]
    public async Task A_client_without_a_user_id_gets_a_null_user_id()
    {
        await using var client = ClientKit.Create(fixture, uid: null);

        await client.ConnectAsync().Bounded();

        Assert.True(client.State.Open);
        Assert.Null(client.State.UserId);
    }

    [Fact]
    public async Task Request_returns_the_handlers_reply()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("echo"));
        await client.ConnectAsync().Bounded();

        var data = EdnMap.Of(("q", 1), ("text", "héllo"));
        var reply = await client.RequestAsync("test/echo", data, TestTimeouts.Frame).Bounded();

        Assert.Equal(data, reply);
    }

    [Fact]
    public async Task Request_without_a_reply_times_out_and_the_connection_stays_open()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("silent"));
        await client.ConnectAsync().Bounded();

        var failure = await Assert.ThrowsAsync<SenteRequestException>(
            () => client.RequestAsync("test/silent", "anyone?", TimeSpan.FromMilliseconds(300)).Bounded());

        Assert.Equal(SenteRequestFailure.Timeout, failure.Reason);
        Assert.True(client.State.Open);
        Assert.Equal((EdnValue)"still here", await client.RequestAsync("test/echo", "still here", TestTimeouts.Frame).Bounded());
    }

    [Fact]
    public async Task A_push_arrives_through_ReadEventsAsync_and_through_On()
    {
        var uid = ClientKit.NewUid("push");
        await using var client = ClientKit.Create(fixture, uid);
        var handled = new TaskCompletionSource<SenteEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = client.On("test/push", e =>
        {
            handled.TrySetResult(e);
            return Task.CompletedTask;
        });
        await client.ConnectAsync().Bounded();

        await ClientKit.PushAsync(fixture, uid, client.ClientId, "test/push", EdnMap.Of(("n", 1))).Bounded();

        var read = await client.NextEventAsync("test/push");
        Assert.Equal(EdnMap.Of(("n", 1)), read.Data);
        Assert.Equal(read, await handled.Task.Bounded());
    }

    [Fact]
    public async Task Pushes_arrive_in_order()
    {
        var uid = ClientKit.NewUid("order");
        await using var client = ClientKit.Create(fixture, uid);
        await client.ConnectAsync().Bounded();

        var users = fixture.FrontEnd.Grains.GetUsersGrain(uid);
        for (var i = 0; i < 5; i++)
        {
            await users.PushToClientAsync(client.ClientId, SenteEvent.Create("test/seq", i)).Bounded();
        }

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal((EdnValue)i, (await client.NextEventAsync("test/seq")).Data);
        }
    }

    [Fact]
    public async Task Send_without_a_reply_reaches_the_handler()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("note"));
        await client.ConnectAsync().Bounded();

        await client.SendAsync("test/note", "hi").Bounded();

        Assert.Equal((EdnValue)"hi", (await client.NextEventAsync("test/noted")).Data);
    }

    [Fact]
    public async Task Sending_while_closed_fails_at_once_with_Closed()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("closed"));

        var beforeConnect = await Assert.ThrowsAsync<SenteRequestException>(() => client.SendAsync("test/note", "x"));
        Assert.Equal(SenteRequestFailure.Closed, beforeConnect.Reason);

        await client.ConnectAsync().Bounded();
        await client.DisconnectAsync().Bounded();

        var afterDisconnect = await Assert.ThrowsAsync<SenteRequestException>(() => client.RequestAsync("test/echo", "x", TestTimeouts.Frame));
        Assert.Equal(SenteRequestFailure.Closed, afterDisconnect.Reason);
        Assert.False(client.State.Open);
        Assert.Equal(SenteCloseReason.RequestedDisconnect, client.State.LastClose?.Reason);
    }

    [Fact]
    public async Task Event_ids_must_be_namespaced_and_not_in_chsk()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("ids"));
        await client.ConnectAsync().Bounded();

        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync("note", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => client.SendAsync("chsk/ws-ping"));
    }

    [Fact]
    public async Task When_the_server_replaces_the_socket_the_client_reconnects_and_pending_requests_fail_with_Closed()
    {
        var uid = ClientKit.NewUid("replaced");
        await using var client = ClientKit.Create(fixture, uid);
        var states = new StateRecorder(client);
        await client.ConnectAsync().Bounded();
        var pending = client.RequestAsync("test/silent", "waiting", TimeSpan.FromMinutes(5));

        // A second connection with the same client-id makes the server close the older one.
        var (intruder, _) = await TestClient.ConnectAsync(fixture.FrontEnd, uid, client.ClientId);
        await using var _intruder = intruder;

        var closed = await states.WaitForAsync(s => !s.Open);
        Assert.Equal(SenteCloseReason.Unexpected, closed.LastClose?.Reason);
        Assert.Contains("replaced by a newer connection", closed.LastClose?.Detail);
        var failure = await Assert.ThrowsAsync<SenteRequestException>(() => pending.Bounded());
        Assert.Equal(SenteRequestFailure.Closed, failure.Reason);

        // The first retry is immediate; the new socket is the newest, so pushes come to it.
        var reopened = await states.WaitForAsync(s => s.Open);
        Assert.Equal(uid, reopened.UserId);
        await ClientKit.PushAsync(fixture, uid, client.ClientId, "test/after", "back").Bounded();
        Assert.Equal((EdnValue)"back", (await client.NextEventAsync("test/after")).Data);
    }

    [Fact]
    public async Task ReconnectAsync_opens_a_new_connection()
    {
        var uid = ClientKit.NewUid("reconnect");
        await using var client = ClientKit.Create(fixture, uid);
        await client.ConnectAsync().Bounded();

        await client.ReconnectAsync().Bounded();

        Assert.True(client.State.Open);
        Assert.Equal(SenteCloseReason.RequestedReconnect, client.State.LastClose?.Reason);
        Assert.Equal((EdnValue)1, await client.RequestAsync("test/echo", 1, TestTimeouts.Frame).Bounded());
    }

    [Fact]
    public async Task The_client_answers_the_servers_pings()
    {
        // The fixture's server pings a socket idle for half a second; a handler of the pong
        // pushes back. The client's own keep-alive is off, so only the server pings.
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("pong"), o => o.WsKeepAlive = Timeout.InfiniteTimeSpan);
        await client.ConnectAsync().Bounded();

        await client.NextEventAsync("test/ponged");

        Assert.True(client.State.Open);
        Assert.Null(client.State.LastClose);
    }

    [Fact]
    public async Task An_idle_client_pings_and_the_pong_keeps_it_open()
    {
        // A handler of the client's ping pushes back, so each ping shows up as a push.
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("ping"), o => o.WsKeepAlive = TimeSpan.FromMilliseconds(200));
        await client.ConnectAsync().Bounded();

        await client.NextEventAsync("test/pinged");
        await client.NextEventAsync("test/pinged");

        Assert.True(client.State.Open);
        Assert.Null(client.State.LastClose);
    }

    [Fact]
    public async Task The_edn_packer_keeps_edn_types()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("edn"), o => o.Packer = "edn");
        await client.ConnectAsync().Bounded();

        var data = EdnValue.ReadEdn("{:k :a/b, :s #{1 2}, :u #uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\"}");
        Assert.Equal(data, await client.RequestAsync("test/echo", data, TestTimeouts.Frame).Bounded());
    }

    [Fact]
    public async Task A_WebSocket_only_client_refused_by_the_server_fails_to_connect_with_the_status()
    {
        await using var client = ClientKit.Create(fixture, ClientKit.NewUid("refused"), o =>
        {
            o.Transport = SenteClientTransport.WebSocket;
            o.Params[ClientFixture.RefuseWsParam] = "1";
        });

        var failure = await Assert.ThrowsAsync<SenteConnectException>(() => client.ConnectAsync().Bounded());

        Assert.Equal(400, failure.StatusCode);
        Assert.False(client.State.Open);
    }
}
