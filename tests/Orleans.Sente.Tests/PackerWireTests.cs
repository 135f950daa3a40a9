using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;
using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Tests;

/// <summary>
/// Sente clients built with the Transit and MessagePack packers, over a real WebSocket and over
/// Ajax: they name no packer, so each talks to a path mapped with its packer, and gets the frames
/// Sente's own server writes (tests/vectors/sente/transit.txt and msgpack.txt) byte for byte.
/// </summary>
public sealed class PackerWireTests : IAsyncLifetime
{
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    /// <summary>The captured frames, by packer: handshake for alice, a request and its reply, a client ping and its pong, the push batch.</summary>
    private static readonly Dictionary<string, (string Handshake, string Request, string Reply, string Ping, string Pong, string Batch, string AjaxRequest)> Captured = new()
    {
        ["transit"] = (
            Hex("""[["~:chsk/handshake",["alice",null,["^ ","~:server","s1"]]],null]"""),
            Hex("""[["~:my/req",["^ ","~:q",1]],"a1b2c3"]"""),
            Hex("""[["^ ","~:answer",42],"a1b2c3"]"""),
            Hex("""[["~:chsk/ws-ping"],"p1q2r3"]"""),
            Hex("""["pong","p1q2r3"]"""),
            Hex("""[[["~:my/push",["^ ","~:n",1]],["^0",["^ ","~:n",2]],["~:my/other"]],null]"""),
            Hex("""[["~:my/req",["^ ","~:q",2]],"~:ajax"]""")),
        ["msgpack"] = (
            "9292C70E006368736B2F68616E647368616B6593A5616C696365C081C70600736572766572A27331C0",
            "9292C706006D792F72657181D4007101A6613162326333",
            "9281C70600616E737765722AA6613162326333",
            "9291C70C006368736B2F77732D70696E67A6703171327233",
            "92A4706F6E67A6703171327233",
            "929392C707006D792F7075736881D4006E0192C707006D792F7075736881D408000291D7006D792F6F74686572C0",
            "9292C706006D792F72657181D4007102D600616A6178"),
    };

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null);
        _frontEnd = await TestFrontEnd.StartAsync([_silo], o =>
        {
            o.HandshakeDataFn = _ => EdnMap.Of(("server", "s1"));
            o.SendBufWs = SingleFrontEndFixture.BatchWindow;
            o.SendBufAjax = SingleFrontEndFixture.BatchWindow;
            o.MaxMessageBytes = SingleFrontEndFixture.MaxMessageBytes;
        }, map: app =>
        {
            TestHandlers.Map(app.MapSente()
                .On("my/req", context =>
                {
                    context.Reply(EdnMap.Of(("answer", 42)));
                    return Task.CompletedTask;
                }));
            app.MapSente("/chsk-transit", packer: "transit");
            app.MapSente("/chsk-msgpack", packer: "msgpack");
        });
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Theory]
    [InlineData("transit")]
    [InlineData("msgpack")]
    public async Task A_Sente_client_of_the_packer_gets_the_handshake_a_reply_a_pong_and_a_batch_over_WebSocket_as_Sente_writes_them(string packer)
    {
        var frames = Captured[packer];
        var type = packer == "msgpack" ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        using var socket = await ConnectAsync($"/chsk-{packer}", $"client-id=ws-{packer}&{TestFrontEnd.TestUidParam}=alice");
        Assert.Equal((frames.Handshake, type), await ReceiveAsync(socket));

        await SendAsync(socket, frames.Request, type);
        Assert.Equal((frames.Reply, type), await ReceiveAsync(socket));
        await SendAsync(socket, frames.Ping, type);
        Assert.Equal((frames.Pong, type), await ReceiveAsync(socket));

        // A frame cut short is dropped and the connection lives on.
        await SendAsync(socket, frames.Request[..^6], type);
        var alice = _silo.Grains.GetUserGrain("alice");
        await alice.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 1))));
        await alice.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 2))));
        await alice.PushAsync(SenteEvent.Create("my/other"));
        Assert.Equal((frames.Batch, type), await ReceiveAsync(socket));
    }

    [Fact]
    public async Task One_push_reaches_EDN_JSON_Transit_and_MessagePack_clients_of_a_user_each_in_its_own_packing()
    {
        var clients = new (string Path, string Query, ISentePacker Packer)[]
        {
            ("/chsk", "", EdnPacker.Instance),
            ("/chsk", "&packer=json", JsonPacker.Instance),
            ("/chsk-transit", "", TransitPacker.Instance),
            ("/chsk", "&packer=msgpack", MsgpackPacker.Instance),
        };
        var sockets = new List<ClientWebSocket>();
        try
        {
            foreach (var (path, query, packer) in clients)
            {
                var socket = await ConnectAsync(path, $"client-id=fan-{packer.Name}&{TestFrontEnd.TestUidParam}=bob{query}");
                sockets.Add(socket);
                await ReceiveAsync(socket);
            }

            var data = EdnMap.Of(("text", "hi"), ("n", 7));
            await _silo.Grains.GetUserGrain("bob").PushAsync(SenteEvent.Create("chat/msg", data), PushOptions.Flushed);
            for (var i = 0; i < clients.Length; i++)
            {
                var packer = clients[i].Packer;
                var (hex, type) = await ReceiveAsync(sockets[i]);
                Assert.Equal(packer.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, type);
                var message = Envelope.ReadClientMessage(((EdnVector)((EdnVector)packer.Unpack(Convert.FromHexString(hex)))[0])[0] is EdnVector ev ? new EdnVector(ev, EdnValue.Nil) : EdnVector.Empty, packer.EventIdsAreStrings);
                Assert.Equal(new EdnKeyword("chat", "msg"), message.Event.Id);
                Assert.Equal(data, message.Event.Data);
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Abort();
                socket.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("transit")]
    [InlineData("msgpack")]
    public async Task A_Sente_client_of_the_packer_gets_the_handshake_replies_and_pushes_over_Ajax_as_Sente_writes_them(string packer)
    {
        var frames = Captured[packer];
        var sente = packer == "msgpack" ? MsgpackPacker.Instance : (ISentePacker)TransitPacker.Instance;
        var contentType = packer == "msgpack" ? "application/octet-stream" : "text/plain";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var path = $"/chsk-{packer}";
        var query = $"client-id=aj-{packer}&{TestFrontEnd.TestUidParam}=alice";

        var (status, type, body) = await GetAsync(http, path, query + "&handshake%3F=1");
        Assert.Equal((HttpStatusCode.OK, contentType, frames.Handshake), (status, type, body));

        // A send with a callback is answered with the reply; one without, with Sente's dummy frame.
        Assert.Equal((HttpStatusCode.OK, Convert.ToHexString(sente.PackToArray(Envelope.ReplyFrame(EdnMap.Of(("answer", 42)), null)))), await PostAsync(http, path, query, packer, frames.AjaxRequest));
        var note = Convert.ToHexString(sente.PackToArray(EdnReader.Read("[[:my/note 1] nil]")));
        Assert.Equal((HttpStatusCode.OK, Convert.ToHexString(sente.PackToArray(Envelope.DummyCb200Frame))), await PostAsync(http, path, query, packer, note));

        // Bad input is answered as for EDN: a frame cut short is a 400, one over the limit a 413.
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(http, path, query, packer, frames.AjaxRequest[..^6])).Status);
        var huge = Convert.ToHexString(sente.PackToArray(new EdnVector(new EdnVector(new EdnKeyword("my", "note"), new string('x', SingleFrontEndFixture.MaxMessageBytes)), EdnValue.Nil)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(http, path, query, packer, huge)).Status);

        var poll = GetAsync(http, path, query);
        var alice = _silo.Grains.GetUserGrain("alice");
        await alice.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 1))));
        await alice.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 2))));
        await alice.PushAsync(SenteEvent.Create("my/other"));
        Assert.Equal((HttpStatusCode.OK, contentType, frames.Batch), await poll);
    }

    private static string Hex(string text) => Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(text));

    private async Task<ClientWebSocket> ConnectAsync(string path, string query)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        await socket.ConnectAsync(new UriBuilder(_frontEnd.BaseUri) { Scheme = "ws", Path = path, Query = query }.Uri, timeout.Token);
        return socket;
    }

    private static async Task SendAsync(ClientWebSocket socket, string hex, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        await socket.SendAsync(Convert.FromHexString(hex), type, true, timeout.Token);
    }

    private static async Task<(string Hex, WebSocketMessageType Type)> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        return (Convert.ToHexString(buffer, 0, length), result.MessageType);
    }

    private async Task<(HttpStatusCode Status, string? ContentType, string Body)> GetAsync(HttpClient http, string path, string query)
    {
        using var response = await http.GetAsync(new UriBuilder(_frontEnd.BaseUri) { Path = path, Query = $"udt={Environment.TickCount64}&{query}" }.Uri).WaitAsync(TestTimeouts.Frame * 3);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, Convert.ToHexString(await response.Content.ReadAsByteArrayAsync()));
    }

    /// <summary>Sente's Ajax send: a form with ppstr for a text packer; for a binary one the frame itself, octet-stream, with <c>binary?=true</c>.</summary>
    private async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string path, string query, string packer, string hex)
    {
        HttpContent content;
        var uri = new UriBuilder(_frontEnd.BaseUri) { Path = path, Query = $"udt={Environment.TickCount64}&{query}" };
        if (packer == "msgpack")
        {
            uri.Query += "&binary%3F=true";
            content = new ByteArrayContent(Convert.FromHexString(hex)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };
        }
        else
        {
            content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["udt"] = "1",
                ["client-id"] = query.Split('&')[0]["client-id=".Length..],
                ["ppstr"] = System.Text.Encoding.UTF8.GetString(Convert.FromHexString(hex)),
            });
        }

        using (content)
        {
            using var response = await http.PostAsync(uri.Uri, content).WaitAsync(TestTimeouts.Frame);
            return (response.StatusCode, Convert.ToHexString(await response.Content.ReadAsByteArrayAsync()));
        }
    }
}
