using Orleans.Sente.AspNetCore;
using System.Net.Sockets;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// A WebSocket client that stops reading costs its front end a bounded number of bytes: over the
/// budget it is closed, a write that cannot complete aborts it, its queued frames are freed, and its
/// grain parks it so that pushes wait for it; the other clients of the front end are served throughout.
/// </summary>
public sealed class SlowConsumerTests(SlowConsumerTests.Fixture fixture) : IClassFixture<SlowConsumerTests.Fixture>
{
    private const int BudgetBytes = 128 * 1024;
    private const int PushChars = 48 * 1024;

    // Fewer than the 1024 frames a socket may queue (SendQueueLimit): a limit in frames alone
    // lets a client that reads nothing hold 1024 pushes of any size.
    private const int MaxPushes = 1000;

    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_client_that_stops_reading_is_cut_off_within_its_budget_parked_and_served_its_held_pushes_when_it_returns()
    {
        var slowUser = Unique("slow");
        var slowClientId = Unique("c");
        var calmUser = Unique("calm");
        var (bystander, _) = await TestClient.ConnectAsync(FrontEnd, calmUser);
        await using var _b = bystander;
        var (slow, invoker) = await ConnectWithoutReadingAsync(slowUser, slowClientId);
        using var _s = slow;
        using var _i = invoker;
        var user = FrontEnd.Grains.GetUserGrain(slowUser);
        var routes = FrontEnd.Grains.GetUserRoutingGrain(slowUser);
        await Eventually.HoldsAsync(() => routes.GetClientRouteAsync(slowClientId), r => r is not null, "the slow client is attached");
        var metrics = FrontEnd.App.Services.GetRequiredService<SenteMetrics>();
        var big = SenteEvent.Create("test/big", new string('x', PushChars));
        var deadline = DateTime.UtcNow + TestTimeouts.Start;

        // Push large messages at the client that reads nothing until the front end gives up on it
        // (drops a push for it, or it is parked already). Each round the bystander gets a push of
        // its own and must see it: it is served throughout.
        using var dropped = new MetricRecorder(FrontEnd, "sente.deliveries.dropped");
        var pushes = 0;
        for (; pushes < MaxPushes && DateTime.UtcNow < deadline; pushes++)
        {
            await user.PushAsync(big, PushOptions.Flushed);
            await FrontEnd.Grains.GetUserGrain(calmUser).PushAsync(SenteEvent.Create("test/tick", pushes), PushOptions.Flushed);
            Assert.Equal($$"""[[[":test/tick",{{pushes}}]],null]""", await bystander.ReceiveAsync());
            Assert.True(metrics.QueuedBytes <= BudgetBytes + (2 * PushChars), $"{metrics.QueuedBytes} bytes queued after {pushes} pushes");
            if (dropped["send-queue-full"] > 0 || await routes.GetClientRouteAsync(slowClientId) is null)
            {
                break;
            }
        }

        Assert.True(pushes is > 1 and < MaxPushes, $"the front end gave up on the slow client after {pushes} pushes of {PushChars} bytes");

        // Its write cannot complete: the heartbeat aborts it after WriteTimeout, and its grain parks it.
        await Eventually.HoldsAsync(() => routes.GetClientRouteAsync(slowClientId), r => r is null, "the slow client is parked");
        Assert.True(metrics.QueuedBytes <= BudgetBytes + (2 * PushChars), $"{metrics.QueuedBytes} bytes queued at the end");
        await Eventually.HoldsAsync(() => Task.FromResult(FrontEnd.App.Services.GetRequiredService<FrontEndConnections>().OfUser(slowUser).Count), n => n == 0, "the slow connection is gone");
        await Eventually.HoldsAsync(() => Task.FromResult(metrics.QueuedBytes), q => q <= 2 * PushChars, "the slow connection's queued bytes are freed");

        // Parked, not gone: a push now is held and replayed when the client comes back.
        await user.PushAsync(SenteEvent.Create("test/held", 1), PushOptions.Flushed);
        var (back, _) = await TestClient.ConnectAsync(FrontEnd, slowUser, slowClientId);
        await using var _r = back;
        string frame;
        do
        {
            frame = await back.ReceiveAsync();
        }
        while (!frame.Contains("test/held", StringComparison.Ordinal));

        Assert.Equal("""[[[":test/held",1]],null]""", frame);
    }

    /// <summary>A JSON WebSocket client with a tiny receive buffer that never reads after the upgrade.</summary>
    private async Task<(ClientWebSocket Socket, HttpMessageInvoker Invoker)> ConnectWithoutReadingAsync(string uid, string clientId)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, token) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await socket.ConnectAsync(context.DnsEndPoint, token);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var socket = new ClientWebSocket();
        var invoker = new HttpMessageInvoker(handler);
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        await socket.ConnectAsync(
            FrontEnd.WebSocketUri($"client-id={clientId}&packer=json&{TestFrontEnd.TestUidParam}={uid}"), invoker, timeout.Token);

        // The invoker owns the connection: it lives as long as the socket.
        return (socket, invoker);
    }

    /// <summary>One silo whose grains keep a parked WebSocket client for a minute, and a front end with a small send budget.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        internal TestSilo Silo { get; private set; } = null!;

        internal TestFrontEnd FrontEnd { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Silo = await TestSilo.StartAsync(null, o =>
            {
                o.WsCloseGrace = TimeSpan.FromMinutes(1);

                // The replay window must outlast the grace (the options validator's rule).
                o.ReplayWindowMaxAge = TimeSpan.FromMinutes(2);
            });
            FrontEnd = await TestFrontEnd.StartAsync([Silo], o =>
            {
                o.SendBufferLimitBytes = BudgetBytes;
                o.SendQueueLimit = SenteOptions.DefaultSendQueueLimit;
                o.WriteTimeout = TimeSpan.FromSeconds(2);
            });
        }

        public async Task DisposeAsync()
        {
            await FrontEnd.DisposeAsync();
            await Silo.DisposeAsync();
        }
    }
}
