using System.Buffers;
using System.Net.WebSockets;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client.Transport;

/// <summary>
/// One WebSocket connection: connect, wait for the handshake (within <c>WsConnectTimeout</c>),
/// then read frames until the socket closes, answering server pings and keeping itself alive.
/// </summary>
internal sealed partial class WebSocketTransport(ITransportHost host) : ClientTransport(host)
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly PendingRequests _pending = new();

    // Cancelled by the keep-alive when a ping goes unanswered; it ends the read loop.
    private readonly CancellationTokenSource _abort = new();
    private long _lastReceived;
    private volatile bool _delivering;
    private volatile bool _pingTimedOut;

    public override SenteClientTransport Kind => SenteClientTransport.WebSocket;

    public override async Task<TransportEnd> RunAsync(CancellationToken cancellationToken)
    {
        var options = Host.Options;
        var opened = false;
        using var loop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        using var connectDeadline = new CancellationTokenSource(options.WsConnectTimeout, options.TimeProvider);
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(loop.Token, connectDeadline.Token);
        Task? keepAlive = null;
        try
        {
            var refused = await ConnectAsync(connecting.Token);
            if (refused is { } end)
            {
                return end;
            }

            var first = await ReceiveAsync(connecting.Token);
            if (first is not { Kind: ServerFrameKind.Handshake } handshake)
            {
                return new(SenteCloseReason.WsError, false, first is null ? CloseDetail() : "the first frame was not a handshake");
            }

            opened = true;
            Touch();
            Host.OnHandshake(this, handshake.ReadHandshake());
            keepAlive = KeepAliveAsync(loop.Token);
            while (await ReceiveAsync(loop.Token) is { } frame)
            {
                await HandleAsync(frame, loop.Token);
            }

            return new(SenteCloseReason.Unexpected, true, CloseDetail());
        }
        catch (OperationCanceledException) when (_pingTimedOut)
        {
            return new(SenteCloseReason.WsPingTimeout, opened, "no pong within " + options.WsPingTimeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && connectDeadline.IsCancellationRequested && !opened)
        {
            return new(SenteCloseReason.WsConnectTimeout, false, "no handshake within " + options.WsConnectTimeout);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CloseQuietlyAsync();
            return new(SenteCloseReason.RequestedDisconnect, opened, null);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            return new(opened ? SenteCloseReason.Unexpected : SenteCloseReason.WsError, opened, e.Message);
        }
        finally
        {
            _pending.Close();
            await _abort.CancelAsync();
            if (keepAlive is not null)
            {
                await keepAlive;
            }

            _socket.Dispose();
        }
    }

    public override async Task SendAsync(SenteEvent @event, CancellationToken cancellationToken) =>
        await SendFrameAsync(ClientFrames.Pack(Host.Packer, @event, null), cancellationToken);

    public override async Task<EdnValue> RequestAsync(SenteEvent @event, CancellationToken cancellationToken)
    {
        var (id, reply) = _pending.Add();
        try
        {
            await SendFrameAsync(ClientFrames.Pack(Host.Packer, @event, new EdnString(id)), cancellationToken);
            return await reply.WaitAsync(cancellationToken);
        }
        finally
        {
            _pending.Remove(id);
        }
    }

    /// <summary>Connects; returns an end when the server refused the upgrade.</summary>
    private async Task<TransportEnd?> ConnectAsync(CancellationToken cancellationToken)
    {
        var options = Host.Options;
        _socket.Options.CollectHttpResponseDetails = true;
        var invoker = Host.Http.WebSocketInvoker;
        if (invoker is null && options.Cookies is not null)
        {
            _socket.Options.Cookies = options.Cookies;
        }

        foreach (var (name, value) in options.Headers)
        {
            _socket.Options.SetRequestHeader(name, value);
        }

        options.ConfigureWebSocket?.Invoke(_socket.Options);
        var accessToken = await AccessTokenAsync(cancellationToken);
        var uri = SenteUrls.WebSocket(options, accessToken, Host.ResumeMark);
        ClientLog.WebSocketConnecting(Host.Logger, SenteUrls.WebSocket(options));
        try
        {
            await _socket.ConnectAsync(uri, invoker, cancellationToken);
            return null;
        }
        catch (WebSocketException e)
        {
            var status = (int)_socket.HttpStatusCode;
            return new TransportEnd(
                SenteCloseReason.WsError, false, status > 0 ? $"HTTP {status}: {e.Message}" : e.Message,
                status is >= 400 and < 500 ? status : null);
        }
    }

    private async Task HandleAsync(ServerFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Kind)
        {
            case ServerFrameKind.Ping:
                // The server's keep-alive; a failed pong shows up as a closed socket on the next read.
                await TrySendAsync(ClientFrames.Pack(Host.Packer, new SenteEvent(Envelope.WsPong), null), cancellationToken);
                break;
            case ServerFrameKind.Reply when frame.CallbackId is EdnString id:
                _pending.TryComplete(id.Value, frame.Payload);
                break;
            case ServerFrameKind.Batch:
                _delivering = true;
                try
                {
                    await Host.OnEventsAsync(frame.ReadBatch(Host.Packer.EventIdsAreStrings, mark => Host.ResumeMark = mark), cancellationToken);
                }
                finally
                {
                    _delivering = false;
                    Touch();
                }

                break;
            case ServerFrameKind.Handshake:
                Host.OnHandshake(this, frame.ReadHandshake());
                break;
            default:
                ClientLog.UnexpectedFrame(Host.Logger, frame.Kind.ToString(), frame.Payload.ToString());
                break;
        }
    }

    /// <summary>The next frame; null when the server closed. An unreadable frame is logged and skipped.</summary>
    private async Task<ServerFrame?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            buffer.ResetWrittenCount();
            ValueWebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseQuietlyAsync();
                    return null;
                }

                buffer.Advance(result.Count);
            }
            while (!result.EndOfMessage);

            Touch();
            try
            {
                return ServerFrame.Classify(Host.Packer.Unpack(buffer.WrittenSpan));
            }
            catch (SentePackException e)
            {
                ClientLog.UnreadableFrame(Host.Logger, e.Message);
            }
        }
    }

    private async Task SendFrameAsync(byte[] frame, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken);
        try
        {
            if (_socket.State != WebSocketState.Open)
            {
                throw new SenteRequestException(SenteRequestFailure.Closed, "The WebSocket is not open.");
            }

            await _socket.SendAsync(frame, Host.Packer.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text, true, cancellationToken);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            throw new SenteRequestException(SenteRequestFailure.Error, "The WebSocket refused the frame: " + e.Message, e);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task TrySendAsync(byte[] frame, CancellationToken cancellationToken)
    {
        try
        {
            await SendFrameAsync(frame, cancellationToken);
        }
        catch (SenteRequestException e)
        {
            ClientLog.PongFailed(Host.Logger, e.Message);
        }
    }

    private async Task CloseQuietlyAsync()
    {
        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The socket goes anyway.
        }
    }

    private string? CloseDetail() => _socket.CloseStatus is { } status
        ? $"{(int)status} {_socket.CloseStatusDescription}".TrimEnd()
        : null;

    private void Touch() => Volatile.Write(ref _lastReceived, Host.Options.TimeProvider.GetTimestamp());
}
