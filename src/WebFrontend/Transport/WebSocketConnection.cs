using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend;

/// <summary>
/// A client on a WebSocket. The receive loop reads, unpacks and dispatches client events one at
/// a time; frames are written one at a time by whichever caller finds the socket idle, the rest
/// waiting in a bounded queue. Pushes collect in a
/// pending batch that the <see cref="BatchScheduler"/> closes after <c>SendBufWs</c> (or at once
/// when flushed), so that what arrives within the window travels as one frame.
/// </summary>
internal sealed partial class WebSocketConnection : SenteConnection
{
    private const int InitialReceiveBytes = 4096;
    private static readonly TimeSpan SendDrainLimit = TimeSpan.FromSeconds(2);
    private readonly WebSocket _socket;
    private readonly WebSocketMessageType _frameType;
    private readonly int _sendQueueLimit;
    private readonly BatchScheduler _scheduler;
    private readonly SenteMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _aborted = new();
    private readonly Lock _pendingLock = new();
    private readonly Lock _sendLock = new();
    private List<PackedEvent>? _pending;
    private bool _scheduled;

    // The send side. One frame is written at a time, by whichever thread finds the socket idle,
    // and as long as writes complete at once (the usual case) the next queued frame follows on
    // the same thread: no send loop to wake per frame. Held (as if a send were in progress)
    // RunAsync starts, so the handshake waits until the user's grain knows the route.
    private Queue<byte[]>? _queued;
    private bool _sending = true;
    private bool _sendsEnded;
    private TaskCompletionSource? _sendsFinished;
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
        _frameType = packer.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        _sendQueueLimit = sendQueueLimit;
        _scheduler = scheduler;
        _metrics = metrics;
        _logger = logger;
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

        if (PackedEvent.BatchFrame(batch, PackerIndex, Packer, _metrics, _logger, out var events) is not { } frame)
        {
            return;
        }

        if (Send(frame))
        {
            _metrics.Delivered(events);
        }
        else
        {
            _metrics.Dropped(_closeReason is null ? "send-queue-full" : "connection-closing", events);
        }
    }

    /// <summary>Queues a frame that is not a push (handshake, reply, ping).</summary>
    public bool SendValue(EdnValue value)
    {
        byte[] frame;
        try
        {
            frame = Packer.PackToArray(value);
        }
        catch (Exception e)
        {
            // An application's reply (or handshake data) this client's packer cannot write.
            LogUnpackableValue(_logger, e, Id, Packer.Name);
            return false;
        }

        return Send(frame);
    }

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

        EndSends();
    }

    /// <summary>Runs both directions until the socket closes; returns the reason, if the server closed it.</summary>
    public async Task<SenteCloseReason?> RunAsync(Func<ClientMessage, Task> onMessage, int maxMessageBytes, int maxEventsPerSecond)
    {
        SendNext(null);
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
            EndSends();
            await _aborted.CancelAsync();
            try
            {
                await SendsFinishedAsync().WaitAsync(SendDrainLimit);
            }
            catch (TimeoutException)
            {
                // A client that stopped reading: a write would wait forever.
                _socket.Abort();
                await SendsFinishedAsync();
            }
        }

        return _closeReason;
    }

    private bool Send(byte[] frame)
    {
        var full = false;
        lock (_sendLock)
        {
            if (_sendsEnded)
            {
                return false;
            }

            if (_sending)
            {
                var queued = _queued ??= new Queue<byte[]>(4);
                full = queued.Count >= _sendQueueLimit;
                if (!full)
                {
                    queued.Enqueue(frame);
                    return true;
                }
            }
            else
            {
                _sending = true;
            }
        }

        if (full)
        {
            Close(SenteCloseReason.SendQueueFull);
            return false;
        }

        SendNext(frame);
        return true;
    }

    /// <summary>
    /// Writes <paramref name="frame"/> (if any) and then whatever queued meanwhile, on this thread
    /// while writes complete at once; a write that has to wait continues on its completion.
    /// Only the holder of the send turn (<see cref="_sending"/>) calls this.
    /// </summary>
    private void SendNext(byte[]? frame)
    {
        while (true)
        {
            if (frame is not null)
            {
                ValueTask write;
                try
                {
                    write = _socket.SendAsync(new ReadOnlyMemory<byte>(frame), _frameType, endOfMessage: true, CancellationToken.None);
                }
                catch (Exception e) when (IsSocketGone(e))
                {
                    SendFailed(e);
                    return;
                }

                if (!write.IsCompletedSuccessfully)
                {
                    _ = ContinueAfterAsync(write);
                    return;
                }

                Sent();
            }

            lock (_sendLock)
            {
                if (_queued is { Count: > 0 } queued)
                {
                    frame = queued.Dequeue();
                    continue;
                }

                _sending = false;
                if (!_sendsEnded)
                {
                    return;
                }
            }

            FinishSendsAsync().Ignore();
            return;
        }
    }

    private async Task ContinueAfterAsync(ValueTask write)
    {
        try
        {
            await write;
        }
        catch (Exception e) when (IsSocketGone(e))
        {
            SendFailed(e);
            return;
        }

        Sent();
        SendNext(null);
    }

    private void Sent()
    {
        Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());
        _metrics.FrameSent();
    }

    /// <summary>No frame is accepted any more; what is queued still goes out (unless the socket is being aborted).</summary>
    private void EndSends()
    {
        lock (_sendLock)
        {
            if (_sendsEnded)
            {
                return;
            }

            _sendsEnded = true;
            if (_sending)
            {
                // The holder of the send turn finishes once the queue is written.
                return;
            }

            _sending = true;
        }

        FinishSendsAsync().Ignore();
    }

    private void SendFailed(Exception e)
    {
        LogSocketEnded(_logger, Id, e.Message);
        lock (_sendLock)
        {
            _queued = null;
            _sendsEnded = true;
        }

        _socket.Abort();
        FinishSendsAsync().Ignore();
    }

    /// <summary>The last step of the send side: the server's close frame when the server chose to close.</summary>
    private async Task FinishSendsAsync()
    {
        try
        {
            if (_closeReason is { } reason && _socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(reason.Status, reason.Text, timeout.Token);
            }
        }
        catch (Exception e) when (IsSocketGone(e))
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

            TaskCompletionSource? finished;
            lock (_sendLock)
            {
                _queued = null;
                finished = SendsFinishedSource();
            }

            finished.TrySetResult();
        }
    }

    private Task SendsFinishedAsync()
    {
        lock (_sendLock)
        {
            return SendsFinishedSource().Task;
        }
    }

    /// <summary>Made on first need (most connections never close from the server side); call under the send lock.</summary>
    private TaskCompletionSource SendsFinishedSource() =>
        _sendsFinished ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool IsSocketGone(Exception e) =>
        e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException;

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
                    EndSends();
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

    [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "Dropped a frame for connection {ConnectionId}: the {Packer} packer cannot write it")]
    private static partial void LogUnpackableValue(ILogger logger, Exception exception, long connectionId, string packer);

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
