using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// A client on a WebSocket. The receive loop reads, unpacks and dispatches client events one at
/// a time; frames are written one at a time by whichever caller finds the socket idle, the rest
/// waiting in a queue bounded in frames (<c>SendQueueLimit</c>) and in bytes
/// (<c>SendBufferLimitBytes</c>). Pushes collect in a
/// pending batch that the <see cref="BatchScheduler"/> closes after <c>SendBufWs</c> (or at once
/// when flushed), so that what arrives within the window travels as one frame.
/// A client that falls behind ends in one of two ways:
/// <list type="number">
/// <item>a frame would take it over either bound: what waits is freed at once and the socket is
/// closed (<c>client too slow: send queue full</c>) once the frame being written is out;</item>
/// <item>a write does not complete within <c>WriteTimeout</c> (checked by the heartbeat loop): the
/// client stopped reading and not even a close frame would reach it, so the connection is aborted.</item>
/// </list>
/// Either way the connection ends and its user's grain parks the client, holding its pushes.
/// </summary>
internal sealed partial class WebSocketConnection : SenteConnection
{
    private const int InitialReceiveBytes = 4096;
    private static readonly TimeSpan SendDrainLimit = TimeSpan.FromSeconds(2);
    private readonly WebSocket _socket;
    private readonly WebSocketMessageType _frameType;
    private readonly int _sendQueueLimit;
    private readonly long _sendBufferLimit;
    private readonly Action _abortTransport;
    private readonly BatchScheduler _scheduler;
    private readonly SenteMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _aborted = new();
    private readonly Lock _pendingLock = new();

    // Held while a batch is taken, made into a frame and handed to the send side: the batch loop and
    // a flushed push may flush at once, and the later batch must not reach the socket first.
    private readonly Lock _flushLock = new();
    private readonly Lock _sendLock = new();
    private List<PackedEvent>? _pending;

    // The resume mark of the last push of a grain in _pending (see SendsResumeMarks), under _pendingLock.
    private long _markEpoch;
    private long _markPushId;
    private bool _scheduled;

    // The send side. One frame is written at a time, by whichever thread finds the socket idle,
    // and as long as writes complete at once (the usual case) the next queued frame follows on
    // the same thread: no send loop to wake per frame. Held (as if a send were in progress)
    // RunAsync starts, so the handshake waits until the user's grain knows the route.
    private Queue<OutFrame>? _queued;
    private long _heldBytes;
    private bool _sending = true;
    private bool _sendsEnded;
    private long _writeStalledSince;
    private TaskCompletionSource? _sendsFinished;
    private SenteCloseReason? _closeReason;
    private long _lastActivity = Stopwatch.GetTimestamp();
    private long _lastReceived = Stopwatch.GetTimestamp();
    private long _pingSent;

    public WebSocketConnection(
        long id, string clientId, string? userId, int packerIndex, ISentePacker packer,
        WebSocket socket, Action abortTransport, SenteOptions options, BatchScheduler scheduler, SenteMetrics metrics, ILogger logger)
        : base(id, clientId, userId, packerIndex, packer)
    {
        _socket = socket;
        _abortTransport = abortTransport;
        _frameType = packer.IsBinary ? WebSocketMessageType.Binary : WebSocketMessageType.Text;
        _sendQueueLimit = options.SendQueueLimit;
        _sendBufferLimit = options.SendBufferLimitBytes;
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

    /// <summary>When the write in progress started waiting for the client (Stopwatch ticks), or 0.</summary>
    public long WriteStalledSince => Volatile.Read(ref _writeStalledSince);

    public override void Enqueue(PackedEvent packed, bool flush, long epoch = 0, long pushId = 0)
    {
        lock (_pendingLock)
        {
            (_pending ??= new List<PackedEvent>(4)).Add(packed);
            if (pushId != 0)
            {
                (_markEpoch, _markPushId) = (epoch, pushId);
            }

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
        lock (_flushLock)
        {
            FlushPendingInOrder();
        }
    }

    private void FlushPendingInOrder()
    {
        List<PackedEvent>? batch;
        long markEpoch, markPushId;
        lock (_pendingLock)
        {
            batch = _pending;
            _pending = null;
            _scheduled = false;
            (markEpoch, markPushId) = (_markEpoch, _markPushId);
            _markPushId = 0;
        }

        if (batch is null or { Count: 0 })
        {
            return;
        }

        if (Volatile.Read(ref _sendsEnded))
        {
            // Closed meanwhile: nothing to pack.
            _metrics.Dropped(EndedReason, batch.Count);
            return;
        }

        var marked = WithResumeMark(batch, markEpoch, markPushId);
        if (PackedEvent.BatchFrame(marked, PackerIndex, Packer, _metrics, _logger, out var events) is not { } frame)
        {
            return;
        }

        if (marked.Count > batch.Count)
        {
            // The mark is not a push: it is not counted as one.
            events--;
        }

        switch (Send(new OutFrame(frame, events)))
        {
            case SendResult.Full:
                _metrics.Dropped("send-queue-full", events);
                break;
            case SendResult.Ended:
                _metrics.Dropped(EndedReason, events);
                break;
        }
    }

    /// <summary>Why a push found the send side ended: the client closed, or the server is closing.</summary>
    private string EndedReason => _closeReason is null ? "connection-closed" : "connection-closing";

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

        return Send(new OutFrame(frame, 0)) == SendResult.Queued;
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
            // Too far behind to catch up: what waits is freed now, and the close frame follows the
            // frame being written (a write that never completes is the heartbeat's to abort).
            lock (_sendLock)
            {
                DropQueued("send-queue-full");
            }
        }

        EndSends();
    }

    /// <summary>
    /// Ends the connection without a close frame: for a client whose write has not completed
    /// within <c>WriteTimeout</c>, to which a close frame could not be written either.
    /// </summary>
    public void Abort(SenteCloseReason reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null)
        {
            LogAborting(_logger, Id, ClientId, UserId, reason.Text);
        }

        lock (_sendLock)
        {
            DropQueued("write-timeout");
        }

        // The write waiting for the client fails now and ends the send side; an idle one ends here.
        AbortTransport();
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
            if (!await SendsFinishWithinAsync(SendDrainLimit))
            {
                // A client that stopped reading: a write would wait forever. Aborting the transport
                // (not only the WebSocket) is what ends a write waiting for the client's TCP window.
                AbortTransport();
                if (!await SendsFinishWithinAsync(SendDrainLimit))
                {
                    LogWriteAbandoned(_logger, Id);
                }
            }

            lock (_sendLock)
            {
                // Whatever is still held (a write abandoned above) no longer counts against this front end.
                DropQueued("connection-closed");
                Release(_heldBytes);
            }
        }

        return _closeReason;
    }

    private SendResult Send(OutFrame frame)
    {
        var full = false;
        lock (_sendLock)
        {
            if (_sendsEnded)
            {
                return SendResult.Ended;
            }

            if (_sending)
            {
                // The byte bound counts the frame being written too; a single frame larger than the
                // bound still goes to a socket that holds nothing else.
                var queued = _queued ??= new Queue<OutFrame>(4);
                full = queued.Count >= _sendQueueLimit || _heldBytes + frame.Bytes.Length > _sendBufferLimit;
                if (!full)
                {
                    queued.Enqueue(frame);
                    Hold(frame.Bytes.Length);
                    return SendResult.Queued;
                }
            }
            else
            {
                _sending = true;
                Hold(frame.Bytes.Length);
            }
        }

        if (full)
        {
            Close(SenteCloseReason.SendQueueFull);
            return SendResult.Full;
        }

        SendNext(frame);
        return SendResult.Queued;
    }

    /// <summary>
    /// Writes <paramref name="frame"/> (if any) and then whatever queued meanwhile, on this thread
    /// while writes complete at once; a write that has to wait continues on its completion.
    /// <paramref name="written"/> is the size of a frame just written, still held.
    /// Only the holder of the send turn (<see cref="_sending"/>) calls this.
    /// </summary>
    private void SendNext(OutFrame? frame, int written = 0)
    {
        while (true)
        {
            if (frame is { } next)
            {
                ValueTask write;
                try
                {
                    write = _socket.SendAsync(new ReadOnlyMemory<byte>(next.Bytes), _frameType, endOfMessage: true, CancellationToken.None);
                }
                catch (Exception e)
                {
                    SendFailed(e);
                    return;
                }

                if (!write.IsCompletedSuccessfully)
                {
                    Volatile.Write(ref _writeStalledSince, Stopwatch.GetTimestamp());
                    _ = ContinueAfterAsync(write, next);
                    return;
                }

                Sent(next);
                written = next.Bytes.Length;
            }

            lock (_sendLock)
            {
                Release(written);
                written = 0;
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

    private async Task ContinueAfterAsync(ValueTask write, OutFrame frame)
    {
        try
        {
            await write;
        }
        catch (Exception e)
        {
            // Any failure ends the send side: the send turn must never be left held.
            SendFailed(e);
            return;
        }
        finally
        {
            Volatile.Write(ref _writeStalledSince, 0);
        }

        Sent(frame);
        SendNext(null, frame.Bytes.Length);
    }

    private void Sent(OutFrame frame)
    {
        Volatile.Write(ref _lastActivity, Stopwatch.GetTimestamp());
        _metrics.FrameSent();
        if (frame.Events > 0)
        {
            _metrics.Delivered(frame.Events);
        }
    }

    /// <summary>Counts bytes this connection holds (under the send lock).</summary>
    private void Hold(long bytes)
    {
        _heldBytes += bytes;
        _metrics.Queued(bytes);
    }

    /// <summary>Stops counting bytes this connection held (under the send lock); never below zero.</summary>
    private void Release(long bytes)
    {
        bytes = Math.Min(bytes, _heldBytes);
        if (bytes > 0)
        {
            _heldBytes -= bytes;
            _metrics.Queued(-bytes);
        }
    }

    /// <summary>Frees the frames waiting (under the send lock); the frame being written, if any, stays counted.</summary>
    private void DropQueued(string reason)
    {
        if (_queued is { } queued)
        {
            long bytes = 0;
            foreach (var frame in queued)
            {
                bytes += frame.Bytes.Length;
                if (frame.Events > 0)
                {
                    _metrics.Dropped(reason, frame.Events);
                }
            }

            Release(bytes);
            _queued = null;
        }
    }

    private void AbortTransport()
    {
        _socket.Abort();

        // The WebSocket's abort disposes its stream, which does not end a write Kestrel holds
        // waiting for the client's TCP window; aborting the request's connection does.
        _abortTransport();
        _aborted.Cancel();
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
            DropQueued("connection-closed");
            Release(_heldBytes);
            _sendsEnded = true;
        }

        AbortTransport();
        FinishSendsAsync().Ignore();
    }

    /// <summary>The last step of the send side: the server's close frame when the server chose to close.</summary>
    private async Task FinishSendsAsync()
    {
        try
        {
            if (_closeReason is { } reason && _socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(SendDrainLimit);
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
                _aborted.CancelAfter(SendDrainLimit);
            }

            TaskCompletionSource? finished;
            lock (_sendLock)
            {
                DropQueued("connection-closed");
                finished = SendsFinishedSource();
            }

            finished.TrySetResult();
        }
    }

    private async Task<bool> SendsFinishWithinAsync(TimeSpan limit)
    {
        Task finished;
        lock (_sendLock)
        {
            finished = SendsFinishedSource().Task;
        }

        try
        {
            await finished.WaitAsync(limit);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
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
                            await IgnoreUntilClosedAsync(buffer);
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
                    await IgnoreUntilClosedAsync(buffer);
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

    private enum SendResult
    {
        Queued,
        Full,
        Ended,
    }

    /// <summary>A frame to write, and how many pushes it carries (0 for handshakes, replies, pings).</summary>
    private readonly record struct OutFrame(byte[] Bytes, int Events);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Warning, Message = "Aborting connection {ConnectionId} of client {ClientId} (user {UserId}): {Reason}")]
    private static partial void LogAborting(ILogger logger, long connectionId, string clientId, string? userId, string reason);

    [LoggerMessage(EventId = 1122, Level = LogLevel.Warning, Message = "Connection {ConnectionId}: a write still had not completed after the transport was aborted; the connection ends without it")]
    private static partial void LogWriteAbandoned(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 1211, Level = LogLevel.Warning, Message = "Dropped a frame for connection {ConnectionId}: the {Packer} packer cannot write it")]
    private static partial void LogUnpackableValue(ILogger logger, Exception exception, long connectionId, string packer);

    /// <summary>
    /// After the server's close frame, reads and ignores what the client still sends, until its
    /// close frame or until <see cref="SendDrainLimit"/> after ours (<see cref="_aborted"/>). Closing
    /// the TCP connection on unread input would reset it, and a client still sending could lose
    /// our close frame and see an abnormal closure (1006) instead of the reason.
    /// </summary>
    private async Task IgnoreUntilClosedAsync(byte[] buffer)
    {
        while (_socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(), _aborted.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1223, Level = LogLevel.Warning, Message = "Connection {ConnectionId} (client {ClientId}) sent more than {PerSecond} events per second; closing it")]
    private static partial void LogFlood(ILogger logger, long connectionId, string clientId, int perSecond);

    [LoggerMessage(EventId = 1224, Level = LogLevel.Information, Message = "Closing connection {ConnectionId} of client {ClientId} (user {UserId}): {Reason}")]
    private static partial void LogClosing(ILogger logger, long connectionId, string clientId, string? userId, string reason);

    [LoggerMessage(EventId = 1225, Level = LogLevel.Debug, Message = "Connection {ConnectionId} ended: {Detail}")]
    private static partial void LogSocketEnded(ILogger logger, long connectionId, string detail);

    [LoggerMessage(EventId = 1226, Level = LogLevel.Warning, Message = "Dropped an unreadable frame from connection {ConnectionId} (client {ClientId}): {Problem}")]
    private static partial void LogBadFrame(ILogger logger, long connectionId, string clientId, string problem);

    [LoggerMessage(EventId = 1227, Level = LogLevel.Warning, Message = "Connection {ConnectionId} (client {ClientId}) sent a message over {Limit} bytes; closing it")]
    private static partial void LogTooBig(ILogger logger, long connectionId, string clientId, int limit);
}
