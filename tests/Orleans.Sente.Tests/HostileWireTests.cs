using Orleans.Sente.AspNetCore;
using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Numerics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// Hostile input on real sockets, in every packer: numbers too long to print, frames the readers
/// refuse, values one client sends that another client's packer must write, and what a push costs
/// a front end (packed once per packer, never on the one batch loop). The front end's packers are
/// the built-in ones behind <see cref="CountingPacker"/>, which counts what each packs and where.
/// </summary>
public sealed class HostileWireTests(HostileWireTests.Fixture fixture) : IClassFixture<HostileWireTests.Fixture>
{
    /// <summary>How soon a bystander's push must arrive while another push or frame is refused: far less than printing a million digits takes.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_push_of_a_million_digit_integer_is_dropped_and_a_bystanders_push_still_arrives_promptly(bool group)
    {
        var (victim, bystander) = (Unique("victim"), Unique("bystander"));
        var (v, _) = await TestClient.ConnectAsync(FrontEnd, victim);
        var (b, _) = await TestClient.ConnectAsync(FrontEnd, bystander);
        await using var _v = v;
        await using var _b = b;
        var room = Unique("room");
        if (group)
        {
            await fixture.Silo.Grains.GetGroupGrain(room).AddUserAsync(victim);
        }

        using var dropped = new MetricRecorder(FrontEnd, "sente.deliveries.dropped");
        var million = new EdnBigInt(BigInteger.One << 3_321_929);
        var big = SenteEvent.Create("test/big", new EdnVector(million));
        if (group)
        {
            await fixture.Silo.Grains.GetGroupGrain(room).PushAsync(big);
        }
        else
        {
            await fixture.Silo.Grains.GetUserGrain(victim).PushAsync(big);
        }

        // Batched, as the big push was: it goes out through the one loop.
        await fixture.Silo.Grains.GetUserGrain(bystander).PushAsync(SenteEvent.Create("test/calm", 1));
        Assert.Equal("""[[[":test/calm",1]],null]""", await b.ReceiveAsync(Prompt));

        await fixture.Silo.Grains.GetUserGrain(victim).PushAsync(SenteEvent.Create("test/after", 2));
        Assert.Equal("""[[[":test/after",2]],null]""", await v.ReceiveAsync(Prompt));
        await Eventually.HoldsAsync(() => Task.FromResult(dropped["unpackable"]), n => n == 1, "the big push counted as unpackable");
    }

    [Fact]
    public async Task A_frame_with_a_million_digit_JSON_integer_is_a_bad_frame_and_other_clients_keep_getting_pushes()
    {
        var bystander = Unique("bystander");
        var (sender, _) = await TestClient.ConnectAsync(FrontEnd, Unique("sender"));
        var (b, _) = await TestClient.ConnectAsync(FrontEnd, bystander);
        await using var _s = sender;
        await using var _b = b;
        using var rejected = new MetricRecorder(FrontEnd, "sente.requests.rejected");

        await sender.SendAsync("""[[":test/echo",""" + new string('7', 1_000_000) + """],"cb-big"]""");
        await fixture.Silo.Grains.GetUserGrain(bystander).PushAsync(SenteEvent.Create("test/calm", 1));
        Assert.Equal("""[[[":test/calm",1]],null]""", await b.ReceiveAsync(Prompt));

        // The frame was dropped, and the socket that sent it answers the next one.
        await sender.SendAsync("""[[":test/echo","still here"],"cb-next"]""");
        Assert.Equal("""["still here","cb-next"]""", await sender.ReceiveAsync());
        Assert.Equal(1, rejected["bad-frame"]);
        Assert.Equal(WebSocketState.Open, sender.State);
    }

    /// <summary>EDN values other packers cannot carry as such: lone surrogates, as a string escape and as a char, and nesting past 64.</summary>
    public static TheoryData<string, string> EdnOnlyValues() => new()
    {
        { "a lone surrogate in a string", "\"a\\ud800b\"" },
        { "a lone surrogate as a char", "\\ud800" },
        { "nesting 65 levels deep", Nested(65) },
        { "nesting 96 levels deep", Nested(96) },
    };

    [Theory]
    [MemberData(nameof(EdnOnlyValues))]
    public async Task What_an_EDN_client_sends_reaches_JSON_Transit_and_MessagePack_clients_and_no_socket_or_loop_is_lost(string what, string edn)
    {
        var recipient = Unique("recipient");
        var senderId = Unique("edn");
        var (sender, _) = await TestClient.ConnectRawAsync(FrontEnd, $"client-id={senderId}&packer=edn&{TestFrontEnd.TestUidParam}={Unique("sender")}", senderId);
        var (json, _) = await TestClient.ConnectAsync(FrontEnd, recipient);
        await using var _s = sender;
        await using var _j = json;
        using var transit = await RawClient.ConnectAsync(FrontEnd, "transit", recipient);
        using var msgpack = await RawClient.ConnectAsync(FrontEnd, "msgpack", recipient);
        using var dropped = new MetricRecorder(FrontEnd, "sente.deliveries.dropped");
        var sent = EdnReader.Read(edn);

        await sender.SendAsync($"[[:test/relay [\"{recipient}\" {edn}]] \"cb-relay\"]");
        Assert.Equal("[:relayed \"cb-relay\"]", await sender.ReceiveAsync());

        // Each packer writes it as its documented mapping says: a lone surrogate as U+FFFD.
        var expectedJson = sent switch
        {
            EdnString => (EdnValue)new EdnString("a\uFFFDb"),
            EdnChar => new EdnString("\uFFFD"),
            _ => sent,
        };
        var expectedOthers = sent switch
        {
            EdnString => (EdnValue)new EdnString("a\uFFFDb"),
            EdnChar => new EdnChar(0xFFFD),
            _ => sent,
        };
        Assert.Equal(expectedJson, PushedData(JsonPacker.Instance, Encoding.UTF8.GetBytes(await json.ReceiveAsync())));
        Assert.Equal(expectedOthers, PushedData(TransitPacker.Instance, await transit.ReceiveAsync(WebSocketMessageType.Text)));
        Assert.Equal(expectedOthers, PushedData(MsgpackPacker.Instance, await msgpack.ReceiveAsync(WebSocketMessageType.Binary)));
        Assert.Equal(0, dropped["unpackable"]);

        // The sender's socket and the front end live on, and the next push reaches everyone.
        await sender.SendAsync("[[:test/echo \"again\"] \"cb-again\"]");
        Assert.Equal("[\"again\" \"cb-again\"]", await sender.ReceiveAsync());
        Assert.False(FrontEnd.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        await fixture.Silo.Grains.GetUserGrain(recipient).PushAsync(SenteEvent.Create("test/later", what), PushOptions.Flushed);
        Assert.Equal(new EdnString(what), PushedData(JsonPacker.Instance, Encoding.UTF8.GetBytes(await json.ReceiveAsync())));
        Assert.Equal(new EdnString(what), PushedData(TransitPacker.Instance, await transit.ReceiveAsync(WebSocketMessageType.Text)));
        Assert.Equal(new EdnString(what), PushedData(MsgpackPacker.Instance, await msgpack.ReceiveAsync(WebSocketMessageType.Binary)));
    }

    public static TheoryData<string, string> UndefinedCacheFrames() => new()
    {
        // [["^0",{:n 2}],null]: cache code ^0 was never defined.
        { "transit", Convert.ToHexString(Encoding.UTF8.GetBytes("""[["^0",["^ ","~:n",2]],null]""")) },

        // [[:test/echo {#cached-key 1 2}] nil]: no key was cached before.
        { "msgpack", "9292C70900746573742F6563686F81D4080102C0" },
    };

    [Theory]
    [MemberData(nameof(UndefinedCacheFrames))]
    public async Task A_frame_with_a_cache_reference_never_defined_is_a_bad_frame_and_the_socket_lives_on(string packer, string hex)
    {
        using var client = await RawClient.ConnectAsync(FrontEnd, packer, Unique("u"));
        var codec = PackerOf(packer);
        using var rejected = new MetricRecorder(FrontEnd, "sente.requests.rejected");

        await client.SendAsync(Convert.FromHexString(hex));
        await client.SendAsync(codec.PackToArray(EdnReader.Read("[[:test/echo 5] \"cb-after\"]")));

        Assert.Equal(EdnReader.Read("[5 \"cb-after\"]"), codec.Unpack(await client.ReceiveAsync(client.MessageType)));
        Assert.Equal(1, rejected["bad-frame"]);
        Assert.Equal(WebSocketState.Open, client.State);
    }

    [Theory]
    [InlineData("transit")]
    [InlineData("msgpack")]
    public async Task An_oversized_message_of_the_packer_closes_only_its_socket_with_1009(string packer)
    {
        var user = Unique("u");
        using var big = await RawClient.ConnectAsync(FrontEnd, packer, user);
        using var bystander = await RawClient.ConnectAsync(FrontEnd, packer, user);
        var codec = PackerOf(packer);
        var limit = fixture.MaxMessageBytes;

        try
        {
            await big.SendAsync(codec.PackToArray(new EdnVector(new EdnVector(new EdnKeyword("test", "echo"), new string('x', limit)), "cb-big")));
        }
        catch (WebSocketException)
        {
            // The server may close before the whole message is sent; the close is what is checked.
        }

        Assert.Equal((WebSocketCloseStatus.MessageTooBig, $"message larger than {limit} bytes"), await big.WaitClosedAsync());
        await bystander.SendAsync(codec.PackToArray(EdnReader.Read("[[:test/echo \"still here\"] \"cb-next\"]")));
        Assert.Equal(EdnReader.Read("[\"still here\" \"cb-next\"]"), codec.Unpack(await bystander.ReceiveAsync(bystander.MessageType)));
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("group")]
    [InlineData("broadcast")]
    public async Task A_push_to_clients_of_every_packer_is_packed_once_per_packer_and_never_on_the_batch_loop(string kind)
    {
        var (alice, bob, room) = (Unique("alice"), Unique("bob"), Unique("room"));
        var users = kind == "direct" ? new[] { alice } : [alice, bob];
        var clients = new List<RawClient>();
        try
        {
            foreach (var user in users)
            {
                foreach (var packer in Fixture.PackerNames)
                {
                    // Two tabs per packer and user.
                    clients.Add(await RawClient.ConnectAsync(FrontEnd, packer, user));
                    clients.Add(await RawClient.ConnectAsync(FrontEnd, packer, user));
                }
            }

            if (kind == "group")
            {
                await fixture.Silo.Grains.GetGroupGrain(room).AddUserAsync(alice);
                await fixture.Silo.Grains.GetGroupGrain(room).AddUserAsync(bob);
            }

            // Batched, so that what is not packed before reaches the loop unpacked.
            var id = "test/" + Unique("counted");
            var push = SenteEvent.Create(id, EdnMap.Of(("n", 1)));
            switch (kind)
            {
                case "direct":
                    await fixture.Silo.Grains.GetUserGrain(alice).PushAsync(push);
                    break;
                case "group":
                    await fixture.Silo.Grains.GetGroupGrain(room).PushAsync(push);
                    break;
                default:
                    await fixture.Silo.Grains.GetFrontEndRegistry().BroadcastAsync(push);
                    break;
            }

            foreach (var client in clients)
            {
                var codec = PackerOf(client.Packer);
                var batch = (EdnVector)((EdnVector)codec.Unpack(await client.ReceiveAsync(client.MessageType)))[0];
                Assert.Equal(id, IdOf(((EdnVector)batch[0])[0]));
            }

            foreach (var packer in fixture.Counting)
            {
                Assert.Equal((packer.Name, 1), (packer.Name, packer.Packed.GetValueOrDefault(id)));
                Assert.DoesNotContain(id, packer.PackedOnBatchLoop);
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static ISentePacker PackerOf(string name) => name switch
    {
        "json" => JsonPacker.Instance,
        "edn" => EdnPacker.Instance,
        "transit" => TransitPacker.Instance,
        _ => MsgpackPacker.Instance,
    };

    /// <summary>An event id as any packer carries it: a keyword, or for JSON a string <c>":ns/name"</c>.</summary>
    private static string IdOf(EdnValue id) => id is EdnKeyword k ? k.FullName : id.AsString()!.TrimStart(':');

    /// <summary>The data of the one push in a push frame <c>[[[id data]] nil]</c>.</summary>
    private static EdnValue PushedData(ISentePacker packer, byte[] frame)
    {
        var batch = (EdnVector)((EdnVector)packer.Unpack(frame))[0];
        Assert.Single(batch.Items);
        return ((EdnVector)batch[0])[1];
    }

    /// <summary>A value nested <paramref name="depth"/> vectors deep, as EDN.</summary>
    private static string Nested(int depth) => new string('[', depth) + "1" + new string(']', depth);

    /// <summary>A WebSocket client of any packer, text or binary, past its handshake.</summary>
    private sealed class RawClient : IDisposable
    {
        private readonly ClientWebSocket _socket;

        private RawClient(ClientWebSocket socket, string packer)
        {
            _socket = socket;
            Packer = packer;
        }

        public string Packer { get; }

        public WebSocketMessageType MessageType => Packer == "msgpack" ? WebSocketMessageType.Binary : WebSocketMessageType.Text;

        public WebSocketState State => _socket.State;

        public static async Task<RawClient> ConnectAsync(TestFrontEnd frontEnd, string packer, string user)
        {
            var socket = new ClientWebSocket();
            using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
            await socket.ConnectAsync(frontEnd.WebSocketUri($"client-id={Guid.NewGuid()}&packer={packer}&{TestFrontEnd.TestUidParam}={Uri.EscapeDataString(user)}"), timeout.Token);
            var client = new RawClient(socket, packer);
            var handshake = (EdnVector)PackerOf(packer).Unpack(await client.ReceiveAsync(client.MessageType));
            Assert.Equal("chsk/handshake", IdOf(((EdnVector)handshake[0])[0]));
            return client;
        }

        public async Task SendAsync(byte[] frame)
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
            await _socket.SendAsync(frame, MessageType, true, timeout.Token);
        }

        public async Task<byte[]> ReceiveAsync(WebSocketMessageType expected)
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
            var buffer = new ArrayBufferWriter<byte>(4096);
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.GetMemory(4096), timeout.Token);
                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            Assert.Equal(expected, result.MessageType);
            return buffer.WrittenSpan.ToArray();
        }

        /// <summary>Reads until the server's close arrives (bounded) and gives its status and reason.</summary>
        public async Task<(WebSocketCloseStatus?, string?)> WaitClosedAsync()
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
            var buffer = new byte[4096];
            try
            {
                while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
                {
                    if ((await _socket.ReceiveAsync(buffer, timeout.Token)).MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
            }
            catch (WebSocketException)
            {
                // The close status, if one came, is kept by the socket.
            }

            return (_socket.CloseStatus, _socket.CloseStatusDescription);
        }

        public void Dispose()
        {
            _socket.Abort();
            _socket.Dispose();
        }
    }

    /// <summary>
    /// A built-in packer under its own name, counting the pushes it packs by event id, and those
    /// it packs on the front end's batch loop (seen on the stack: the loop has no other mark).
    /// </summary>
    internal sealed class CountingPacker(ISentePacker inner) : ISentePacker
    {
        public ConcurrentDictionary<string, int> Packed { get; } = new(StringComparer.Ordinal);

        public ConcurrentBag<string> PackedOnBatchLoop { get; } = [];

        public string Name => inner.Name;

        public bool IsBinary => inner.IsBinary;

        public bool EventIdsAreStrings => inner.EventIdsAreStrings;

        public void Pack(EdnValue value, IBufferWriter<byte> output)
        {
            if (value is EdnVector { Count: 2 } ev && ev[0] is EdnKeyword id)
            {
                Packed.AddOrUpdate(id.FullName, 1, (_, n) => n + 1);
                if (new StackTrace(false).GetFrames().Any(f => f.GetMethod()?.DeclaringType?.FullName?.StartsWith("Orleans.Sente.AspNetCore.BatchScheduler", StringComparison.Ordinal) == true))
                {
                    PackedOnBatchLoop.Add(id.FullName);
                }
            }

            inner.Pack(value, output);
        }

        public EdnValue Unpack(ReadOnlySpan<byte> frame) => inner.Unpack(frame);

        public void WriteBatch(IReadOnlyList<ReadOnlyMemory<byte>> packedEvents, IBufferWriter<byte> output) => inner.WriteBatch(packedEvents, output);
    }

    /// <summary>One silo and one front end whose packers count, with a handler that relays an event's data to another user.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public static readonly string[] PackerNames = ["json", "edn", "transit", "msgpack"];

        internal TestSilo Silo { get; private set; } = null!;

        internal TestFrontEnd FrontEnd { get; private set; } = null!;

        internal CountingPacker[] Counting { get; } =
            [new(JsonPacker.Instance), new(EdnPacker.Instance), new(TransitPacker.Instance), new(MsgpackPacker.Instance)];

        internal int MaxMessageBytes { get; private set; }

        public async Task InitializeAsync()
        {
            Silo = await TestSilo.StartAsync(null);
            FrontEnd = await TestFrontEnd.StartAsync([Silo], o =>
            {
                o.Packers.Clear();
                foreach (var packer in Counting)
                {
                    o.Packers.Add(packer);
                }

                MaxMessageBytes = o.MaxMessageBytes;
            }, map: app =>
            {
                var sente = app.MapSente();
                TestHandlers.Map(sente);
                sente.On("test/relay", async context =>
                {
                    // [user data]: data goes to user as a push of its own.
                    var (user, data) = ((EdnVector)context.Data) is { Count: 2 } pair ? (pair[0].AsString()!, pair[1]) : throw new InvalidOperationException("Not a pair");
                    await context.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/relayed", data), PushOptions.Flushed);
                    context.Reply(new EdnKeyword(null, "relayed"));
                });
            });
        }

        public async Task DisposeAsync()
        {
            await FrontEnd.DisposeAsync();
            await Silo.DisposeAsync();
        }
    }
}
