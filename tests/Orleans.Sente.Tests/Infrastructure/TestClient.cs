using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// A raw WebSocket client speaking the JSON packer, reading frames in the background into
/// a queue so that tests await each frame with a timeout.
/// </summary>
internal sealed class TestClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<string> _frames = Channel.CreateUnbounded<string>();
    private readonly Task _reading;

    private TestClient(ClientWebSocket socket, string clientId)
    {
        _socket = socket;
        ClientId = clientId;
        _reading = ReadAsync();
    }

    public string ClientId { get; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public string? CloseReason => _socket.CloseStatusDescription;

    public WebSocketState State => _socket.State;

    /// <summary>Connects and returns once the handshake has arrived.</summary>
    public static async Task<(TestClient Client, JsonElement Handshake)> ConnectAsync(
        TestFrontEnd frontEnd, string? uid, string? clientId = null, string packer = "json", string extraQuery = "",
        System.Net.CookieContainer? cookies = null)
    {
        clientId ??= Guid.NewGuid().ToString();
        var socket = new ClientWebSocket();
        if (cookies is not null)
        {
            socket.Options.Cookies = cookies;
        }

        var query = $"client-id={Uri.EscapeDataString(clientId)}&packer={packer}";
        if (uid is not null)
        {
            query += $"&{TestFrontEnd.TestUidParam}={Uri.EscapeDataString(uid)}";
        }

        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        await socket.ConnectAsync(frontEnd.WebSocketUri(query + extraQuery), timeout.Token);
        var client = new TestClient(socket, clientId);
        var handshake = await client.ReceiveJsonAsync();
        Assert.Equal(":chsk/handshake", handshake[0][0].GetString());
        return (client, handshake);
    }

    /// <summary>Connects with exactly the given query (any packer) and returns the raw handshake frame.</summary>
    public static async Task<(TestClient Client, string Handshake)> ConnectRawAsync(TestFrontEnd frontEnd, string query, string clientId)
    {
        var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        await socket.ConnectAsync(frontEnd.WebSocketUri(query), timeout.Token);
        var client = new TestClient(socket, clientId);
        return (client, await client.ReceiveAsync());
    }

    public Task SendAsync(string frame) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>The next frame, or a failure after the frame timeout.</summary>
    public async Task<string> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Frame);
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No frame within {(timeout ?? TestTimeouts.Frame).TotalSeconds} s (socket {_socket.State}, close {CloseStatus} {CloseReason}).");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The socket closed: {CloseStatus} {CloseReason}");
        }
    }

    public async Task<JsonElement> ReceiveJsonAsync(TimeSpan? timeout = null) =>
        JsonDocument.Parse(await ReceiveAsync(timeout)).RootElement;

    /// <summary>The next <paramref name="count"/> pushed events, as "id data", however the frames batch them.</summary>
    public async Task<List<string>> ReceiveEventsAsync(int count)
    {
        var events = new List<string>();
        while (events.Count < count)
        {
            foreach (var e in (await ReceiveJsonAsync())[0].EnumerateArray())
            {
                events.Add($"{e[0].GetString()} {e[1].GetRawText()}");
            }
        }

        return events;
    }

    /// <summary>Drops the socket without a close frame, as a lost network would (the server sees a reset).</summary>
    public void Abort() => _socket.Abort();

    /// <summary>Waits until the server closes the socket.</summary>
    public async Task WaitClosedAsync()
    {
        await _reading.WaitAsync(TestTimeouts.Frame);
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                _socket.Abort();
            }
        }

        _socket.Dispose();
        await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                WebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        // A message larger than the buffer: grow it rather than read zero bytes forever.
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None) is var r
                        ? new WebSocketReceiveResult(r.Count, r.MessageType, r.EndOfMessage)
                        : throw new InvalidOperationException();
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                _frames.Writer.TryWrite(Encoding.UTF8.GetString(buffer, 0, length));
            }
        }
        catch (WebSocketException)
        {
            // The connection ended; the test sees it through State and CloseStatus.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }
}
