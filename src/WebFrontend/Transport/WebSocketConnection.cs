using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend;

/// <summary>
/// A client on a WebSocket. Two loops: the receive loop reads, unpacks and dispatches client
/// events one at a time; the send loop writes frames from a bounded queue. Pushes collect in a
/// pending batch that the <see cref="BatchScheduler"/> closes after <c>SendBufWs</c> (or at once
/// when flushed), so that what arrives within the window travels as one frame.
/// </summary>
internal sealed partial class WebSocketConnection : SenteConnection
{
    private const int InitialReceiveBytes = 4096;
    private readonly WebSocket _socket;
    private readonly Channel<byte[]> _outbound;
    private readonly BatchScheduler _scheduler;
    private readonly SenteMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _aborted = new();
    private readonly Lock _pendingLock = new();
    private List<PackedEvent>? _pending;
    private bool _scheduled;
    private SenteCloseReason? _closeReason;
    private long _lastActivity = Stopwatch.GetTimestamp();
    private long _lastReceived = Stopwatch.GetTimestamp();
    private long _pingSent;

    public WebSocketConnection(
        long id, string clientId, string? userId, int packerIndex, ISentePacker packer,
        WebSocket socket, int sendQueueLimit, BatchScheduler scheduler, SenteMetrics metrics, ILogger logger)
        : base(id, clientId, userId, packerIndex, packer)
    {
        _socket = socket;
        _scheduler = scheduler;
        _metrics = metrics;
        _logger = logger;
        _outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(sendQueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public override SenteTransport Transport => SenteTransport.WebSocket;

    /// <summary>Signalled when the connection ends.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>When a frame was last received or a push last written (Stopwatch ticks).</summary>
    public long LastActivity => Volatile.Read(ref _lastActivity);

    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>When the outstanding server ping was sent, or 0.</summary>
    public long PingSent => Volatile.Read(ref _pingSent);

    public override void Enqueue(PackedEvent packed, bool flush)
    {
        lock (_pendingLock)
        {
            (_pending ??= new List<PackedEvent>(4)).Add(packed);
            if (!flush)
            {
                if (!_scheduled)
                {
                    _scheduled = true;
                    _scheduler.Schedule(this);
                }

                return;
            }
        }

        FlushPending();
    }

    public override void FlushPending()
    {
        List<PackedEvent>? batch;
        lock (_pendingLock)
        {
            batch = _pending;
            _pending = null;
            _scheduled = false;
        }

        if (batch is null or { Count: 0 })
        {
            return;
        }

        if (Send(PackedEvent.BatchFrame(batch, PackerIndex, Packer)))
        {
            _metrics.Delivered(batch.Count);
        }
        else
        {
            _metrics.Dropped(_closeReason is null ? "send-queue-full" : "connection-closing", batch.Count);
        }
    }

    /// <summary>Queues a frame that is not a push (handshake, reply, ping).</summary>
    public bool SendValue(EdnValue value) => Send(Packer.PackToArray(value));

    /// <summary>Sends the keep-alive ping, once per silence.</summary>
    public void Ping(long now)
    {
        if (Interlocked.CompareExchange(ref _pingSent, now, 0) == 0)
        {
            SendValue(Envelope.ServerPingFrame);
        }
    }

    public override void Close(SenteCloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is not null)
        {
            return;
        }

        LogClosing(_logger, Id, ClientId, UserId, reason.Text);
        if (reason == SenteCloseReason.SendQueueFull)
        {
            // The socket is not draining: waiting for the queue to empty would never end.
            _socket.Abort();
            _aborted.Cancel();
        }

        _outbound.Writer.TryComplete();
    }

    /// <summary>Runs both loops until the socket closes; returns the reason, if the server closed it.</summary>
    public async Task<SenteCloseReason?> RunAsync(Func<ClientMessage, Task> onMessage, int maxMessageBytes, int maxEventsPerSecond)
    {
        var sending = SendLoopAsync();
        try
        {
            await ReceiveLoopAsync(onMessage, maxMessageBytes, new EventRateLimit(maxEventsPerSecond));
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            LogSocketEnded(_logger, Id, e.Message);
        }
        finally
        {
            _outbound.Writer.TryComplete();
            await _aborted.CancelAsync();
            await sending;
        }

        return _closeReason;
    }

    private bool Send(byte[] frame)
    {
        if (_outbound.Writer.TryWrite(frame))
        {
            return true;
        }

        if (_closeReason is null)
        {
            Close(SenteCloseReason.SendQueueFull);
        }

        return false;
    }

    private async Task SendLoopAsync()
    {
        var type = Packer.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        try
        {
            var reader = _outbound.Reader;
            while (await reader.WaitToReadAsync(_aborted.Token))
            {
                while (reader.TryRead(out var frame))
                {
                    await _socket.SendAsync(frame, type, endOfMessage: true, _aborted.Token);
                    Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());
                    _metrics.FrameSent();
                }
            }

            if (_closeReason is { } reason && _socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(reason.Status, reason.Text, timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            LogSocketEnded(_logger, Id, e.Message);
        }
        finally
        {
            if (_closeReason is not null)
            {
                // The server chose to close: stop waiting for the client's half.
                _aborted.CancelAfter(TimeSpan.FromSeconds(2));
            }
        }
    }

    private async Task ReceiveLoopAsync(Func<ClientMessage, Task> onMessage, int maxMessageBytes, EventRateLimit rate)
    {
        while (true)
        {
            // Wait for the next message without holding a buffer: an idle socket costs no pooled memory.
            var first = await _socket.ReceiveAsync(Memory<byte>.Empty, _aborted.Token);
            if (first.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived && _closeReason is null)
                {
                    _outbound.Writer.TryComplete();
                }

                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialReceiveBytes, maxMessageBytes));
            try
            {
                var length = 0;
                var result = first;
                while (!result.EndOfMessage)
                {
                    var capacity = Math.Min(buffer.Length, maxMessageBytes);
                    if (length == capacity)
                    {
                        if (capacity >= maxMessageBytes)
                        {
                            _metrics.Rejected("message-too-big");
                            LogTooBig(_logger, Id, ClientId, maxMessageBytes);
                            Close(SenteCloseReason.TooBig(maxMessageBytes));
                            return;
                        }

                        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxMessageBytes));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                        capacity = Math.Min(buffer.Length, maxMessageBytes);
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(length, capacity - length), _aborted.Token);
                    length += result.Count;
                }

                var now = Stopwatch.GetTimestamp();
                Volatile.Write(ref _lastReceived, now);
                Volatile.Write(ref _lastActivity, now);
                Volatile.Write(ref _pingSent, 0);
                _metrics.Received();
                if (!rate.TryTake(now))
                {
                    _metrics.Rejected("flood");
                    LogFlood(_logger, Id, ClientId, rate.PerSecond);
                    Close(SenteCloseReason.Flood(rate.PerSecond));
                    return;
                }

                ClientMessage message;
                try
                {
                    message = Envelope.ReadClientMessage(Packer.Unpack(buffer.AsSpan(0, length)), Packer.EventIdsAreStrings);
                }
                catch (SentePackException e)
                {
                    _metrics.Rejected("bad-frame");
                    LogBadFrame(_logger, Id, ClientId, e.Message);
                    continue;
                }

                ArrayPool<byte>.Shared.Return(buffer);
                buffer = [];
                await onMessage(message);
            }
            finally
            {
                if (buffer.Length > 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} (client {ClientId}) sent more than {PerSecond} events per second; closing it")]
    private static partial void LogFlood(ILogger logger, long connectionId, string clientId, int perSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closing connection {ConnectionId} of client {ClientId} (user {UserId}): {Reason}")]
    private static partial void LogClosing(ILogger logger, long connectionId, string clientId, string? userId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Connection {ConnectionId} ended: {Detail}")]
    private static partial void LogSocketEnded(ILogger logger, long connectionId, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an unreadable frame from connection {ConnectionId} (client {ClientId}): {Problem}")]
    private static partial void LogBadFrame(ILogger logger, long connectionId, string clientId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection {ConnectionId} (client {ClientId}) sent a message over {Limit} bytes; closing it")]
    private static partial void LogTooBig(ILogger logger, long connectionId, string clientId, int limit);
}
