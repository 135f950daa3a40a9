using System.Net;
using System.Net.WebSockets;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>Sente's envelope over a real WebSocket, with the JSON packer.</summary>
public sealed class WebSocketEnvelopeTests(SingleFrontEndFixture fixture) : IClassFixture<SingleFrontEndFixture>
{
    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    private static string NewUser() => "u-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task The_handshake_is_the_first_frame_with_uid_a_dead_csrf_slot_and_handshake_data()
    {
        var (client, handshake) = await TestClient.ConnectAsync(FrontEnd, "alice");
        await using var _ = client;

        Assert.Equal("""[[":chsk/handshake",["alice",null,{"server":"s1"}]],null]""", handshake.GetRawText());
    }

    [Fact]
    public async Task A_client_without_a_user_id_gets_the_nil_uid()
    {
        var (client, handshake) = await TestClient.ConnectAsync(FrontEnd, uid: null);
        await using var _ = client;

        Assert.Equal(":sente/nil-uid", handshake[0][1][0].GetString());
    }

    [Fact]
    public async Task An_event_with_a_callback_gets_one_reply_echoing_the_callback_id()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, NewUser());
        await using var _c = client;

        await client.SendAsync("""[[":test/echo",{"q":1}],"a1b2c3"]""");

        Assert.Equal("""[{"q":1},"a1b2c3"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task An_event_without_a_callback_reaches_its_handler_and_gets_no_reply()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, NewUser());
        await using var _c = client;

        await client.SendAsync("""[[":test/note","hi"],null]""");

        // The handler answers by pushing; a reply frame would have come first.
        Assert.Equal("""[[[":test/noted","hi"]],null]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_one_element_envelope_from_an_old_client_is_an_event_without_callback()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, NewUser());
        await using var _c = client;

        await client.SendAsync("""[[":test/note","old"]]""");

        Assert.Equal("""[[[":test/noted","old"]],null]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_client_ping_is_answered_pong_with_its_callback_id()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, NewUser());
        await using var _c = client;

        await client.SendAsync("""[[":chsk/ws-ping"],"p1q2r3"]""");

        Assert.Equal("""["pong","p1q2r3"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task Pushes_within_the_window_travel_as_one_batch_in_order()
    {
        var user = NewUser();
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, user);
        await using var _c = client;
        var grain = fixture.Silo.Grains.GetUserGrain(user);

        await grain.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 1))));
        await grain.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 2))));
        await grain.PushAsync(SenteEvent.Create("my/other"));

        Assert.Equal("""[[[":my/push",{"n":1}],[":my/push",{"n":2}],[":my/other"]],null]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task A_flushed_push_goes_at_once_taking_the_buffered_ones_along()
    {
        var user = NewUser();
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, user);
        await using var _c = client;
        var grain = fixture.Silo.Grains.GetUserGrain(user);

        await grain.PushAsync(SenteEvent.Create("my/a", 1));
        await grain.PushAsync(SenteEvent.Create("my/urgent", 2), PushOptions.Flushed);

        // Well inside the batch window: only a flush can have sent it this early.
        Assert.Equal("""[[[":my/a",1],[":my/urgent",2]],null]""", await client.ReceiveAsync(SingleFrontEndFixture.BatchWindow / 2));
    }

    [Fact]
    public async Task An_invalid_event_id_reaches_the_application_as_a_bad_event()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, NewUser());
        await using var _c = client;

        await client.SendAsync("""[[":no-namespace",1],null]""");

        Assert.Equal("""[[[":test/bad-seen",[":no-namespace",1]]],null]""", await client.ReceiveAsync());
    }

    [Theory]
    [InlineData("""[[":test/echo",{"a":1]""")]
    [InlineData("""{"not":"a-vector"}""")]
    [InlineData("""[]""")]
    [InlineData("""not json at all""")]
    public async Task An_unreadable_frame_is_dropped_and_the_socket_lives_on(string garbage)
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, NewUser());
        await using var _c = client;

        await client.SendAsync(garbage);
        await client.SendAsync("""[[":test/echo",5],"cb0001"]""");

        Assert.Equal("""[5,"cb0001"]""", await client.ReceiveAsync());
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Fact]
    public async Task An_oversized_message_closes_only_its_socket_with_1009()
    {
        var user = NewUser();
        var (big, _) = await TestClient.ConnectAsync(FrontEnd, user);
        var (bystander, _) = await TestClient.ConnectAsync(FrontEnd, user);
        await using var _b = big;
        await using var _s = bystander;

        await big.SendAsync($$"""[[":test/echo","{{new string('x', SingleFrontEndFixture.MaxMessageBytes)}}"],"cb0002"]""");
        await big.WaitClosedAsync();

        Assert.Equal(WebSocketCloseStatus.MessageTooBig, big.CloseStatus);
        Assert.Equal($"message larger than {SingleFrontEndFixture.MaxMessageBytes} bytes", big.CloseReason);
        await bystander.SendAsync("""[[":test/echo","still here"],"cb0003"]""");
        Assert.Equal("""["still here","cb0003"]""", await bystander.ReceiveAsync());
    }

    [Theory]
    [InlineData("", "Bad request: missing client-id.")]
    [InlineData("client-id=", "Bad request: missing client-id.")]
    [InlineData("client-id=LONG", "Bad request: client-id longer than 128 characters.")]
    [InlineData("client-id=c1&packer=xml", "Bad request: unknown packer 'xml' (this server speaks json, edn, transit, msgpack).")]
    public async Task A_bad_request_gets_400_with_a_clear_text_before_any_upgrade(string query, string expected)
    {
        using var http = new HttpClient { BaseAddress = FrontEnd.BaseUri };
        query = query.Replace("LONG", new string('c', 129), StringComparison.Ordinal);

        using var response = await http.GetAsync("/chsk?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_flooding_socket_is_closed_and_others_are_untouched()
    {
        var user = NewUser();
        var (flooder, _) = await TestClient.ConnectAsync(FrontEnd, user);
        var (bystander, _) = await TestClient.ConnectAsync(FrontEnd, user);
        await using var _f = flooder;
        await using var _b = bystander;

        // Far more than the burst allowance, as fast as the socket takes them; bounded.
        for (var i = 0; i < 20 * SingleFrontEndFixture.MaxEventsPerSecond && flooder.State == WebSocketState.Open; i++)
        {
            try
            {
                await flooder.SendAsync($$"""[[":test/flood",{{i}}],null]""");
            }
            catch (WebSocketException)
            {
                break;
            }
        }

        await flooder.WaitClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, flooder.CloseStatus);
        Assert.Equal($"flood: more than {SingleFrontEndFixture.MaxEventsPerSecond} events per second", flooder.CloseReason);
        await bystander.SendAsync("""[[":test/echo","calm"],"cb0004"]""");
        Assert.Equal("""["calm","cb0004"]""", await bystander.ReceiveAsync());
    }

    [Fact]
    public async Task An_oversized_Ajax_send_gets_413_and_the_front_end_serves_on()
    {
        using var http = new HttpClient { BaseAddress = FrontEnd.BaseUri };
        var big = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client-id"] = "ajax-big",
            ["packer"] = "json",
            ["ppstr"] = $$"""[[":test/echo","{{new string('x', SingleFrontEndFixture.MaxMessageBytes)}}"],":ajax"]""",
        });

        using var response = await http.PostAsync("/chsk", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal($"Payload too large: message larger than {SingleFrontEndFixture.MaxMessageBytes} bytes.", await response.Content.ReadAsStringAsync());
        var small = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client-id"] = "ajax-big",
            ["packer"] = "json",
            ["ppstr"] = """[[":test/echo","fine"],":ajax"]""",
        });
        using var next = await http.PostAsync("/chsk", small);
        Assert.Equal("""["fine",null]""", await next.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_websocket_upgrade_without_client_id_is_refused_with_400()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(FrontEnd.WebSocketUri("packer=json"), CancellationToken.None));

        Assert.Equal(HttpStatusCode.BadRequest, socket.HttpStatusCode);
    }
}
