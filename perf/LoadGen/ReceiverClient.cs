using System.Net.WebSockets;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>One receiving WebSocket client: connect, say the protocol's opening, count events until closed.</summary>
internal sealed class ReceiverClient(int index, ReceiverOptions options, HttpMessageInvoker invoker, DeliveryStats stats)
{
    /// <summary>Receive buffer per client; events split across reads are still found.</summary>
    public const int BufferSize = 2048;

    private readonly Action<long> _onEvent = stats.Record;
    private ClientWebSocket? _socket;

    public int FrontEnd { get; private set; } = options.FrontEndOf(index);

    public bool IsOpen => _socket?.State == WebSocketState.Open;

    public async Task ConnectAsync(CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        try
        {
            await socket.ConnectAsync(options.UrlFor(index, FrontEnd), invoker, ct);
            if (options.Protocol.OpenMessage is { } open)
            {
                await socket.SendAsync(open, WebSocketMessageType.Text, true, ct);
            }

            if (options.AwaitHandshake)
            {
                await ReadHandshakeAsync(socket, ct);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _socket = socket;
    }

    /// <summary>
    /// Reads the server's first message whole: Sente's <c>:chsk/handshake</c> or SignalR's handshake
    /// response. It carries no pushed event (the scenarios that wait for it push nothing).
    /// </summary>
    private static async Task ReadHandshakeAsync(ClientWebSocket socket, CancellationToken ct)
    {
        var buffer = new byte[BufferSize];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "closed before the handshake");
            }

            if (result.EndOfMessage)
            {
                return;
            }
        }
    }

    /// <summary>Tries the next front end, for a client whose server went away.</summary>
    public void MoveToNextFrontEnd() => FrontEnd = (FrontEnd + 1) % options.UrlTemplates.Count;

    /// <summary>
    /// Reads until the socket closes or fails; returns why (the close frame's status and description,
    /// or the failure), or null when the receiver itself stopped.
    /// </summary>
    public async Task<string?> ReceiveUntilClosedAsync(CancellationToken ct)
    {
        var socket = _socket ?? throw new InvalidOperationException("Not connected.");
        var buffer = new byte[BufferSize];
        var scanner = default(TimestampScanner);
        var ping = options.Protocol.ServerPing;
        var messageStart = true;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return $"closed {(int?)socket.CloseStatus}: {socket.CloseStatusDescription}";
                }

                var chunk = buffer.AsSpan(0, result.Count);
                if (ping is not null && options.Protocol.PongMessage is { } pong && messageStart && result.EndOfMessage && chunk.SequenceEqual(ping))
                {
                    await socket.SendAsync(pong, WebSocketMessageType.Text, true, ct);
                    continue;
                }

                scanner.Feed(chunk, _onEvent);
                if (result.EndOfMessage)
                {
                    scanner.EndOfMessage(_onEvent);
                }

                messageStart = result.EndOfMessage;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            return e.GetType().Name + ": " + e.GetBaseException().Message;
        }
        finally
        {
            socket.Dispose();
        }
    }

    public async Task KeepAliveAsync(byte[] message, CancellationToken ct)
    {
        if (_socket is { State: WebSocketState.Open } socket)
        {
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, true, ct);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
            }
        }
    }
}
