using System.Net.WebSockets;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>The server's keep-alive: ping a silent socket, close it when the ping goes unanswered.</summary>
public sealed class KeepAliveTests : IAsyncLifetime
{
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null);
        _frontEnd = await TestFrontEnd.StartAsync([_silo], o =>
        {
            o.WsKeepAlive = TimeSpan.FromMilliseconds(800);
            o.WsPingTimeout = TimeSpan.FromMilliseconds(600);
        });
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task A_silent_socket_gets_a_ping_and_is_closed_after_the_ping_timeout()
    {
        var (client, _) = await TestClient.ConnectAsync(_frontEnd, "quiet");
        await using var _c = client;

        Assert.Equal("""[":chsk/ws-ping",null]""", await client.ReceiveAsync());
        await client.WaitClosedAsync();

        Assert.Equal("ping timeout", client.CloseReason);
    }

    [Fact]
    public async Task A_socket_that_answers_pings_stays_open()
    {
        var (client, _) = await TestClient.ConnectAsync(_frontEnd, "chatty");
        await using var _c = client;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("""[":chsk/ws-ping",null]""", await client.ReceiveAsync());
            await client.SendAsync("""[[":chsk/ws-pong"],null]""");
        }

        Assert.Equal(WebSocketState.Open, client.State);
    }
}
