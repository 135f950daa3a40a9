using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>
/// A Sente client over WebSocket with the JSON packer. Reads frames in the background and hands
/// out the pushed events (handshakes and pings left out). With <see cref="Reconnect"/> it opens a
/// new socket, with the same client-id, whenever the server closes one, as Sente's clients do.
/// </summary>
internal sealed class WsClient : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<ClientWebSocket>> _connect;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstHandshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action? _closed;
    private Task _loop = Task.CompletedTask;

    private WsClient(Func<CancellationToken, Task<ClientWebSocket>> connect, Action? closed)
    {
        _connect = connect;
        _closed = closed;
    }

    public string ClientId { get; } = Guid.NewGuid().ToString();

    public bool Reconnect { get; init; }

    /// <summary>Close statuses of every socket the server closed, in order.</summary>
    public List<int?> Closes { get; } = [];

    /// <summary>How many handshakes arrived (one per socket opened).</summary>
    public int Handshakes { get; private set; }

    /// <summary>The user-id the last handshake named (null: Sente's nil-uid).</summary>
    public string? Uid { get; private set; }

    /// <summary>The pushed events as they arrive, for a reader that takes them all (instead of <see cref="NextEventAsync"/>).</summary>
    public ChannelReader<JsonElement> Events => _events.Reader;

    /// <summary>
    /// Connects to <paramref name="chsk"/> (query <c>client-id</c> and <c>packer=json</c> added) and waits for the handshake;
    /// <paramref name="closed"/> runs whenever a socket ended, before the next one opens.
    /// </summary>
    public static async Task<WsClient> ConnectAsync(Uri chsk, bool reconnect = false, CookieContainer? cookies = null, Func<Task<string>>? query = null, Action? closed = null)
    {
        WsClient? self = null;
        self = new WsClient(async cancel =>
        {
            var socket = new ClientWebSocket();
            if (cookies is not null)
            {
                socket.Options.Cookies = cookies;
            }

            var extra = query is null ? "" : "&" + await query();
            var uri = new UriBuilder(chsk)
            {
                Query = (chsk.Query.Length > 1 ? chsk.Query[1..] + "&" : "") + $"client-id={self!.ClientId}&packer=json{extra}",
            }.Uri;
            await socket.ConnectAsync(uri, cancel);
            return socket;
        }, closed)
        {
            Reconnect = reconnect,
        };
        self._loop = self.RunAsync();
        await self._firstHandshake.Task.WaitAsync(Timeouts.Frame);
        return self;
    }

    /// <summary>The next pushed event (<c>[id data]</c>), or a failure after the timeout.</summary>
    public async Task<JsonElement> NextEventAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeouts.Frame);
        try
        {
            return await _events.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No event within {(timeout ?? Timeouts.Frame).TotalSeconds} s (closes: {string.Join(",", Closes)}).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var attempt = 0;
        while (!_stop.IsCancellationRequested)
        {
            ClientWebSocket socket;
            try
            {
                socket = await _connect(_stop.Token);
                attempt = 0;
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or InvalidOperationException && Reconnect)
            {
                // The proxy may briefly point at a front end that just stopped; back off a little.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * ++attempt, 1000)), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }
            catch (Exception e) when (!_firstHandshake.Task.IsCompleted)
            {
                _firstHandshake.TrySetException(e);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            using (socket)
            {
                await ReadAsync(socket);
            }

            if (!Reconnect)
            {
                _events.Writer.TryComplete();
                return;
            }
        }
    }

    private async Task ReadAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    lock (Closes)
                    {
                        Closes.Add((int?)socket.CloseStatus);
                    }

                    _closed?.Invoke();
                    return;
                }

                Dispatch(JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, length)).RootElement);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            lock (Closes)
            {
                Closes.Add(null);
            }

            _closed?.Invoke();
        }
    }

    /// <summary>A frame is <c>[:chsk/handshake ...]</c>, <c>":chsk/ws-ping"</c>, or a batch <c>[[ev ...], cb]</c>.</summary>
    private void Dispatch(JsonElement frame)
    {
        if (frame.ValueKind != JsonValueKind.Array || frame.GetArrayLength() == 0)
        {
            return;
        }

        var head = frame[0];
        if (head.ValueKind == JsonValueKind.Array && head.GetArrayLength() > 0 && head[0].ValueKind == JsonValueKind.String
            && head[0].GetString() == ":chsk/handshake")
        {
            Handshakes++;
            Uid = head.GetArrayLength() > 1 && head[1].ValueKind == JsonValueKind.Array && head[1].GetArrayLength() > 0
                && head[1][0].ValueKind == JsonValueKind.String ? head[1][0].GetString() : null;
            _firstHandshake.TrySetResult();
            return;
        }

        if (head.ValueKind == JsonValueKind.Array && head.GetArrayLength() > 0 && head[0].ValueKind == JsonValueKind.Array)
        {
            // Only the test's own events: the demo application also pushes presence changes to every page.
            foreach (var ev in head.EnumerateArray().Where(e => e[0].GetString()?.StartsWith(":test/", StringComparison.Ordinal) == true))
            {
                _events.Writer.TryWrite(ev.Clone());
            }
        }
    }
}
