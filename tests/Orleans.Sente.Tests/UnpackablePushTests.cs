using Orleans.Sente.AspNetCore;
using System.Buffers;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// A push that a packer cannot write costs that push for that packer's clients only: the front
/// end, its loops and its other clients go on. The built-in packers share one set of bounds
/// (<see cref="SenteLimits"/>), so whatever one of them writes the other writes too; the packer
/// that writes less here is one an application added (<see cref="ShallowJsonPacker"/>: JSON that
/// refuses nesting past 64), and a value past the shared bounds is one no packer writes.
/// </summary>
public sealed class UnpackablePushTests(UnpackablePushTests.Fixture fixture) : IClassFixture<UnpackablePushTests.Fixture>
{
    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_push_one_packer_cannot_write_reaches_the_other_packers_clients_and_costs_its_own_only_that_push(bool flushed)
    {
        var user = Unique("u");
        var (json, _) = await TestClient.ConnectAsync(FrontEnd, user, packer: ShallowJsonPacker.PackerName);
        var ednId = Unique("edn");
        var (edn, _) = await TestClient.ConnectRawAsync(FrontEnd, $"client-id={ednId}&packer=edn&{TestFrontEnd.TestUidParam}={user}", ednId);
        await using var _j = json;
        await using var _e = edn;
        using var ajax = new AjaxClient(Unique("ajax"), user, packer: ShallowJsonPacker.PackerName);
        Assert.Equal(HttpStatusCode.OK, (await ajax.GetAsync(FrontEnd, handshake: true)).Status);
        using var dropped = new MetricRecorder(FrontEnd, "sente.deliveries.dropped");

        // The EDN client asks the server to push the value to its user; the server builds it.
        await edn.SendAsync($"[[:test/poison {(flushed ? "true" : "false")}] nil]");

        Assert.StartsWith("[[[:test/poison ", await edn.ReceiveAsync());
        await FrontEnd.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/after", 1), flushed ? PushOptions.Flushed : PushOptions.Default);

        // The JSON clients' next frame is the push after: the one they could not get was dropped.
        Assert.Equal("[[[:test/after 1]] nil]", await edn.ReceiveAsync());
        Assert.Equal("""[[[":test/after",1]],null]""", await json.ReceiveAsync());
        Assert.Equal((HttpStatusCode.OK, """[[[":test/after",1]],null]"""), await PollForPushAsync(ajax));
        Assert.Equal(2, dropped["unpackable"]);
        Assert.False(FrontEnd.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);

        // And the front end serves on: the next poll of the Ajax client is an ordinary one.
        var poll = PollForPushAsync(ajax);
        await FrontEnd.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/later", 2), PushOptions.Flushed);
        Assert.Equal((HttpStatusCode.OK, """[[[":test/later",2]],null]"""), await poll);
        Assert.Equal("""[[[":test/later",2]],null]""", await json.ReceiveAsync());
    }

    [Fact]
    public async Task A_push_no_packer_can_write_costs_every_client_only_that_push()
    {
        var user = Unique("u");
        var (json, _) = await TestClient.ConnectAsync(FrontEnd, user);
        var ednId = Unique("edn");
        var (edn, _) = await TestClient.ConnectRawAsync(FrontEnd, $"client-id={ednId}&packer=edn&{TestFrontEnd.TestUidParam}={user}", ednId);
        await using var _j = json;
        await using var _e = edn;
        using var dropped = new MetricRecorder(FrontEnd, "sente.deliveries.dropped");

        await FrontEnd.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/too-deep", Nested(SenteLimits.MaxDepth + 10)), PushOptions.Flushed);
        await FrontEnd.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/after", 1), PushOptions.Flushed);

        Assert.Equal("[[[:test/after 1]] nil]", await edn.ReceiveAsync());
        Assert.Equal("""[[[":test/after",1]],null]""", await json.ReceiveAsync());
        Assert.Equal(2, dropped["unpackable"]);
        Assert.False(FrontEnd.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task A_broadcast_no_packer_can_write_costs_every_client_only_that_broadcast()
    {
        var (json, _) = await TestClient.ConnectAsync(FrontEnd, Unique("u"));
        var ednId = Unique("edn");
        var (edn, _) = await TestClient.ConnectRawAsync(FrontEnd, $"client-id={ednId}&packer=edn&{TestFrontEnd.TestUidParam}={Unique("u")}", ednId);
        await using var _j = json;
        await using var _e = edn;

        var registry = FrontEnd.Grains.GetFrontEndRegistry();
        await registry.BroadcastAsync(SenteEvent.Create("test/too-deep", Nested(SenteLimits.MaxDepth + 10)));
        await registry.BroadcastAsync(SenteEvent.Create("test/after", 1));

        Assert.Equal("[[[:test/after 1]] nil]", await edn.ReceiveAsync());
        Assert.Equal("""[[[":test/after",1]],null]""", await json.ReceiveAsync());
        Assert.False(FrontEnd.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task A_reply_no_packer_can_write_is_dropped_for_that_request_alone()
    {
        // Ajax: the request that wanted the reply is answered as one whose reply never came.
        using var ajax = new AjaxClient(Unique("ajax"), Unique("u"), packer: "json");
        Assert.Equal(HttpStatusCode.OK, (await ajax.GetAsync(FrontEnd, handshake: true)).Status);
        Assert.Equal((HttpStatusCode.OK, """[":chsk/timeout",null]"""), await ajax.PostAsync(FrontEnd, """[[":test/too-deep-reply",null],"cb-1"]"""));
        Assert.Equal((HttpStatusCode.OK, """["hi",null]"""), await ajax.PostAsync(FrontEnd, """[[":test/echo","hi"],"cb-2"]"""));

        // WebSocket: no reply goes out, the connection lives on and answers the next request.
        var (ws, _) = await TestClient.ConnectAsync(FrontEnd, Unique("u"));
        await using var _w = ws;
        await ws.SendAsync("""[[":test/too-deep-reply",null],"cb-1"]""");
        await ws.SendAsync("""[[":test/echo","hi"],"cb-2"]""");
        Assert.Equal("""["hi","cb-2"]""", await ws.ReceiveAsync());
    }

    /// <summary>Polls until a poll brings something other than <c>[:chsk/timeout nil]</c> (bounded).</summary>
    private async Task<(HttpStatusCode Status, string Body)> PollForPushAsync(AjaxClient ajax)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Frame;
        while (true)
        {
            var answer = await ajax.GetAsync(FrontEnd);
            if (answer.Status != HttpStatusCode.OK || answer.Body != """[":chsk/timeout",null]""" || DateTime.UtcNow > deadline)
            {
                return answer;
            }
        }
    }

    /// <summary>A value nested <paramref name="depth"/> vectors deep.</summary>
    internal static EdnValue Nested(int depth)
    {
        EdnValue value = 1;
        for (var i = 0; i < depth; i++)
        {
            value = new EdnVector(value);
        }

        return value;
    }

    /// <summary>
    /// An application's packer that writes less than the built-in ones: the JSON packer's format,
    /// refusing (with <see cref="SentePackException"/>, as a packer must) values nested past 64.
    /// </summary>
    private sealed class ShallowJsonPacker : ISentePacker
    {
        public const string PackerName = "shallow-json";
        private const int MaxDepth = 64;

        public string Name => PackerName;

        public bool IsBinary => false;

        public bool EventIdsAreStrings => true;

        public void Pack(EdnValue value, IBufferWriter<byte> output)
        {
            if (DepthOf(value) > MaxDepth)
            {
                throw new SentePackException($"nested deeper than {MaxDepth}");
            }

            JsonPacker.Instance.Pack(value, output);
        }

        public EdnValue Unpack(ReadOnlySpan<byte> frame) => JsonPacker.Instance.Unpack(frame);

        public void WriteBatch(IReadOnlyList<ReadOnlyMemory<byte>> packedEvents, IBufferWriter<byte> output) =>
            JsonPacker.Instance.WriteBatch(packedEvents, output);

        private static int DepthOf(EdnValue value) => value is EdnVector vector ? 1 + vector.Items.Select(DepthOf).DefaultIfEmpty(0).Max() : 0;
    }

    /// <summary>One silo and one front end with a handler that pushes a value nested 80 deep, which the shallow packer refuses.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        internal TestSilo Silo { get; private set; } = null!;

        internal TestFrontEnd FrontEnd { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Silo = await TestSilo.StartAsync(null);
            FrontEnd = await TestFrontEnd.StartAsync([Silo], o =>
            {
                o.LpTimeout = TimeSpan.FromSeconds(4);
                o.Packers.Add(new ShallowJsonPacker());
            }, map: app =>
            {
                var sente = app.MapSente();
                TestHandlers.Map(sente);
                sente.On("test/too-deep-reply", context =>
                {
                    context.Reply(Nested(SenteLimits.MaxDepth + 10));
                    return Task.CompletedTask;
                });
                sente.On("test/poison", context =>
                {
                    var flushed = context.Data is EdnBool { Value: true };
                    return context.Grains.GetUserGrain(context.UserId!).PushAsync(
                        SenteEvent.Create("test/poison", Nested(80)), flushed ? PushOptions.Flushed : PushOptions.Default);
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
