using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// One client's Ajax session on this front end: it lives across polls, buffers pushes while no
/// poll is parked and hands them to the next poll. A parked poll ends in one of four ways:
/// <list type="number">
/// <item>a flushed push arrives, or the <c>SendBufAjax</c> window of an unflushed one closes: the
/// poll gets the batch <c>[[ev ...] nil]</c>;</item>
/// <item><c>LpTimeout</c> passes (checked by the heartbeat loop): <c>[:chsk/timeout nil]</c>;</item>
/// <item>a newer poll of the same client arrives here, or the session is taken over or closed:
/// <c>[:chsk/timeout nil]</c>, and the client polls again;</item>
/// <item>the client goes away (request aborted): the poll is dropped, the session lives on.</item>
/// </list>
/// A session with no poll for <c>AjaxSessionTimeout</c> ends, and the cluster is told.
/// </summary>
internal sealed partial class AjaxConnection : SenteConnection
{
    private readonly Lock _lock = new();
    private readonly List<PackedEvent> _pending = [];

    // The resume mark of the last push of a grain in _pending (see SendsResumeMarks), under the lock.
    private long _markEpoch;
    private long _markPushId;
    private readonly BatchScheduler _scheduler;
    private readonly SenteMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Action<AjaxConnection, bool> _ended;
    private readonly int _limit;
    private readonly long _lpTimeout;
    private readonly long _sessionTimeout;
    private readonly byte[] _timeoutFrame;
    private Poll? _poll;
    private bool _scheduled;
    private bool _closed;
    private int _endedOnce;
    private long _idleSince = Stopwatch.GetTimestamp();

    public AjaxConnection(
        long id, string clientId, string? userId, int packerIndex, ISentePacker packer,
        SenteOptions options, BatchScheduler scheduler, SenteMetrics metrics, ILogger logger, Action<AjaxConnection, bool> ended)
        : base(id, clientId, userId, packerIndex, packer)
    {
        _scheduler = scheduler;
        _metrics = metrics;
        _logger = logger;
        _ended = ended;
        _limit = options.SendQueueLimit;
        _lpTimeout = Ticks(options.LpTimeout);
        _sessionTimeout = Ticks(options.AjaxSessionTimeout);
        _timeoutFrame = Pack(Envelope.TimeoutFrame);
    }

    public override SenteTransport Transport => SenteTransport.Ajax;

    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    public override void Enqueue(PackedEvent packed, bool flush, long epoch = 0, long pushId = 0)
    {
        Poll? answered = null;
        byte[]? frame = null;
        lock (_lock)
        {
            if (_closed)
            {
                _metrics.Dropped("connection-closing");
                return;
            }

            if (_pending.Count >= _limit)
            {
                // Bounded: a client that stopped polling cannot grow this without end.
                _pending.RemoveAt(0);
                _metrics.Dropped("send-queue-full");
            }

            _pending.Add(packed);
            if (pushId != 0)
            {
                (_markEpoch, _markPushId) = (epoch, pushId);
            }
            if (_poll is null)
            {
                return;
            }

            if (flush)
            {
                (answered, frame) = TakeBatch();
            }
            else if (!_scheduled)
            {
                _scheduled = true;
                _scheduler.Schedule(this);
            }
        }

        if (frame is not null)
        {
            answered!.Answer(frame);
        }
    }

    public override void FlushPending()
    {
        Poll? answered;
        byte[]? frame;
        lock (_lock)
        {
            _scheduled = false;
            if (_poll is null || _pending.Count == 0)
            {
                return;
            }

            (answered, frame) = TakeBatch();
        }

        if (frame is not null)
        {
            answered!.Answer(frame);
        }
    }

    /// <summary>Parks a poll; returns the body to answer it with, or null when the client went away.</summary>
    public async Task<byte[]?> PollAsync(CancellationToken aborted)
    {
        var poll = new Poll(Stopwatch.GetTimestamp() + _lpTimeout);
        Poll? superseded;
        lock (_lock)
        {
            if (_closed)
            {
                return _timeoutFrame;
            }

            superseded = _poll;
            _poll = poll;
            if (_pending.Count > 0 && TakeBatch() is (_, { } frame))
            {
                // Pushes made between polls go out at once with the next poll.
                superseded?.Answer(_timeoutFrame);
                return frame;
            }
        }

        superseded?.Answer(_timeoutFrame);
        using (aborted.Register(() => Abandon(poll)))
        {
            return await poll.Task;
        }
    }

    /// <summary>Called by the heartbeat loop: answers a poll held for <c>LpTimeout</c>, ends an idle session.</summary>
    public void Tick(long now)
    {
        Poll? timedOut = null;
        var expired = false;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            if (_poll is { } poll)
            {
                if (now < poll.Deadline)
                {
                    return;
                }

                timedOut = poll;
                _poll = null;
                _idleSince = now;
            }
            else if (now - _idleSince > _sessionTimeout)
            {
                _closed = expired = true;
                if (_pending.Count > 0)
                {
                    _metrics.Dropped("ajax-session-expired", _pending.Count);
                    _pending.Clear();
                }
            }
        }

        timedOut?.Answer(_timeoutFrame);
        if (expired)
        {
            LogExpired(_logger, Id, ClientId, UserId);
            End(expired: true);
        }
    }

    /// <summary>
    /// Ends the session because a newer connection of the client took it over: returns the pushes
    /// not yet written to the client and the last sequence number admitted from <paramref name="epoch"/>.
    /// </summary>
    public AjaxHandover Release(long epoch)
    {
        ImmutableArray<SenteEvent> unsent = [];
        Poll? stale = null;
        var admitted = WhileAdmittingNothing(epoch, () =>
        {
            lock (_lock)
            {
                _closed = true;
                // Group pushes stay out: the new connection gets them from their groups, in the
                // groups' order, from the positions of this session's frames (docs/groups.md).
                unsent = [.. _pending.Where(p => p.GroupKey is null).Select(p => p.Event)];
                _pending.Clear();
                stale = _poll;
                _poll = null;
            }
        });
        stale?.Answer(_timeoutFrame);
        End(expired: false);
        return new AjaxHandover(unsent, epoch, admitted);
    }

    public override void Close(SenteCloseReason reason)
    {
        Poll? parked;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            parked = _poll;
            _poll = null;
            if (_pending.Count > 0)
            {
                _metrics.Dropped("connection-closing", _pending.Count);
                _pending.Clear();
            }
        }

        LogClosing(_logger, Id, ClientId, UserId, reason.Text);

        // A parked poll is told to poll again: it will land on a live session, here or elsewhere.
        parked?.Answer(_timeoutFrame);
        End(expired: false);
    }

    /// <summary>Packs a value that is not a push (handshake, control bodies).</summary>
    public byte[] Pack(EdnValue value) => Packer.PackToArray(value);

    /// <summary>Marks the session idle from now (after a handshake answered without a poll).</summary>
    public void Touch()
    {
        lock (_lock)
        {
            _idleSince = Stopwatch.GetTimestamp();
        }
    }

    private void End(bool expired)
    {
        if (Interlocked.Exchange(ref _endedOnce, 1) == 0)
        {
            _ended(this, expired);
        }
    }

    private void Abandon(Poll poll)
    {
        lock (_lock)
        {
            if (_poll != poll)
            {
                return;
            }

            _poll = null;
            _idleSince = Stopwatch.GetTimestamp();
        }

        poll.Answer(null);
    }

    /// <summary>
    /// Takes the pending pushes as one batch frame for the parked poll (under the lock). When the
    /// client's packer could write none of them, they are gone and the poll stays parked: the frame is null.
    /// </summary>
    private (Poll? Poll, byte[]? Frame) TakeBatch()
    {
        var marked = WithResumeMark(_pending, _markEpoch, _markPushId);
        var frame = PackedEvent.BatchFrame(marked, PackerIndex, Packer, _metrics, _logger, out var events);
        if (marked.Count > _pending.Count)
        {
            // The mark is not a push: it is not counted as one.
            events--;
        }

        _pending.Clear();
        _markPushId = 0;
        if (frame is null)
        {
            return (null, null);
        }

        var poll = _poll!;
        _poll = null;
        _idleSince = Stopwatch.GetTimestamp();
        _metrics.Delivered(events);
        return (poll, frame);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    /// <summary>One parked poll; answered once.</summary>
    private sealed class Poll(long deadline)
    {
        private readonly TaskCompletionSource<byte[]?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Deadline { get; } = deadline;

        public Task<byte[]?> Task => _answer.Task;

        public void Answer(byte[]? frame) => _answer.TrySetResult(frame);
    }

    [LoggerMessage(EventId = 1214, Level = LogLevel.Debug, Message = "Ajax session {ConnectionId} of client {ClientId} (user {UserId}) saw no poll within the session timeout; ending it")]
    private static partial void LogExpired(ILogger logger, long connectionId, string clientId, string? userId);

    [LoggerMessage(EventId = 1215, Level = LogLevel.Information, Message = "Closing Ajax session {ConnectionId} of client {ClientId} (user {UserId}): {Reason}")]
    private static partial void LogClosing(ILogger logger, long connectionId, string clientId, string? userId, string reason);
}
