using Orleans.Sente.AspNetCore;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>How a WebSocket the server closes ends, as its client and the metrics see it.</summary>
public sealed class ServerCloseTests(SingleFrontEndFixture fixture) : IClassFixture<SingleFrontEndFixture>
{
    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    private static string NewUser() => "u-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_flooding_client_that_keeps_sending_still_sees_the_1008_close_frame()
    {
        using var socket = new ClientWebSocket();
        using (var timeout = new CancellationTokenSource(TestTimeouts.Frame))
        {
            await socket.ConnectAsync(FrontEnd.WebSocketUri($"client-id={Guid.NewGuid()}&packer=json&{TestFrontEnd.TestUidParam}={NewUser()}"), timeout.Token);
        }

        // Five times the burst allowance, without reading in between: the server must read (and
        // ignore) what keeps coming after its close frame until the client's close frame (or a short
        // bound), or its closing the TCP connection on unread data resets it: the client's sends
        // fail and, depending on the stack, the client never reads the close frame (1006).
        var padding = new string('x', SingleFrontEndFixture.MaxMessageBytes / 2);
        WebSocketException? sendFailed = null;
        for (var i = 0; i < 10 * SingleFrontEndFixture.MaxEventsPerSecond; i++)
        {
            try
            {
                await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes($$"""[[":test/flood","{{padding}}"],null]"""), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (WebSocketException e)
            {
                sendFailed = e;
                break;
            }
        }

        var buffer = new byte[64 * 1024];
        using var reading = new CancellationTokenSource(TestTimeouts.Frame);
        try
        {
            while ((await socket.ReceiveAsync(buffer, reading.Token)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (WebSocketException)
        {
            // Reset before the close frame was read: the assertions below say so.
        }

        Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
        Assert.Equal($"flood: more than {SingleFrontEndFixture.MaxEventsPerSecond} events per second", socket.CloseStatusDescription);
        Assert.Null(sendFailed);
    }

    [Fact]
    public async Task A_push_that_finds_the_socket_closed_by_its_client_is_counted_as_connection_closed()
    {
        // A connection on its own, over a loopback TCP pair: the moment between its socket closing
        // and its removal from the front end is too short to aim a push at through a front end.
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var metrics = new SenteMetrics(meters);
        using var dropped = new MetricRecorder(meters, "sente.deliveries.dropped");
        var options = new SenteOptions();
        var scheduler = new BatchScheduler(Options.Create(options), NullLogger<BatchScheduler>.Instance);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var clientTcp = new TcpClient();
        await clientTcp.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(TestTimeouts.Frame);
        using var serverTcp = await listener.AcceptTcpClientAsync().WaitAsync(TestTimeouts.Frame);
        using var serverSocket = WebSocket.CreateFromStream(serverTcp.GetStream(), new WebSocketCreationOptions { IsServer = true });
        using var clientSocket = WebSocket.CreateFromStream(clientTcp.GetStream(), new WebSocketCreationOptions { IsServer = false });
        var connection = new WebSocketConnection(
            1, "c1", "u1", 0, JsonPacker.Instance, serverSocket, serverTcp.Dispose, options, scheduler, metrics, NullLogger.Instance);
        var run = connection.RunAsync(_ => Task.CompletedTask, 4096, 100);

        await clientSocket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        Assert.Null(await run.WaitAsync(TestTimeouts.Frame));
        connection.Enqueue(new PackedEvent(SenteEvent.Create("test/late", 1)), flush: true);

        Assert.Equal(1, dropped["connection-closed"]);
        Assert.Equal(0, dropped["send-queue-full"]);
    }
}
