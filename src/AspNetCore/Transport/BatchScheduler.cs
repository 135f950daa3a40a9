using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Closes batch windows for every connection of the process with one loop, instead of a timer
/// per connection. A connection whose first pending push arrives schedules itself once; when
/// its window (<c>SendBufWs</c> or <c>SendBufAjax</c>) has passed, the loop flushes it. Within
/// one queue every window has the same length, so due times are in queue order. A flush that
/// throws costs that connection's batch, never the loop (a faulted BackgroundService stops the host).
/// </summary>
/// <remarks>
/// The loop costs nothing while no batch is open: with both queues empty it waits for the next
/// <see cref="Schedule"/> to wake it, and no timer runs. With batches open it sleeps until the
/// earliest is due, but never less than a sixth of the shorter window (so that under load many
/// windows closing close together are flushed in one pass) and never longer than that window (so
/// that a batch opened during the sleep, due one window after it opened, is not flushed late):
/// a batch goes out at most a sixth of its window after it is due, as with a fixed tick.
/// </remarks>
internal sealed partial class BatchScheduler(IOptions<SenteOptions> options, ILogger<BatchScheduler> logger) : BackgroundService
{
    private readonly ConcurrentQueue<(SenteConnection Connection, long Due)> _ws = new();
    private readonly ConcurrentQueue<(SenteConnection Connection, long Due)> _ajax = new();
    private readonly long _wsWindow = Ticks(options.Value.SendBufWs);
    private readonly long _ajaxWindow = Ticks(options.Value.SendBufAjax);
    private readonly long _tick = Ticks(TimeSpan.FromMilliseconds(Math.Clamp(Math.Min(options.Value.SendBufWs.TotalMilliseconds, options.Value.SendBufAjax.TotalMilliseconds) / 6, 1, 10)));
    private readonly SemaphoreSlim _wake = new(0); // no wait handle is ever made: nothing to dispose

    /// <summary>1 while the loop waits for a batch to open; the <see cref="Schedule"/> that takes it to 0 wakes the loop.</summary>
    private int _idle;

    public void Schedule(SenteConnection connection)
    {
        var ajax = connection.Transport == SenteTransport.Ajax;
        (ajax ? _ajax : _ws).Enqueue((connection, Stopwatch.GetTimestamp() + (ajax ? _ajaxWindow : _wsWindow)));
        if (Volatile.Read(ref _idle) == 1 && Interlocked.CompareExchange(ref _idle, 0, 1) == 1)
        {
            _wake.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shortestWindow = Math.Max(Math.Min(_wsWindow, _ajaxWindow), _tick);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = Stopwatch.GetTimestamp();
            Drain(_ws, now);
            Drain(_ajax, now);
            if (NextDue() is { } due)
            {
                var wait = Math.Clamp(due - Stopwatch.GetTimestamp(), _tick, shortestWindow);
                await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), stoppingToken).ConfigureAwait(false);
                continue;
            }

            // Nothing pending: say so before looking again (both are full fences, as is Schedule's
            // exchange after its enqueue), so that either the loop sees the new batch or the
            // Schedule that opened it sees the loop idle and wakes it.
            Interlocked.Exchange(ref _idle, 1);
            if (NextDue() is null || Interlocked.CompareExchange(ref _idle, 0, 1) != 1)
            {
                // Nothing pending, or a Schedule has already taken the flag and released the
                // semaphore: this wait then returns at once and keeps the count at zero.
                await _wake.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The earliest due time of an open batch, or null when none is open.</summary>
    private long? NextDue()
    {
        long? due = null;
        if (_ws.TryPeek(out var ws))
        {
            due = ws.Due;
        }

        if (_ajax.TryPeek(out var ajax) && (due is null || ajax.Due < due))
        {
            due = ajax.Due;
        }

        return due;
    }

    private void Drain(ConcurrentQueue<(SenteConnection Connection, long Due)> queue, long now)
    {
        while (queue.TryPeek(out var head) && head.Due <= now && queue.TryDequeue(out head))
        {
            try
            {
                head.Connection.FlushPending();
            }
            catch (Exception e)
            {
                LogFlushFailed(logger, e, head.Connection.Id);
            }
        }
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Error, Message = "Flushing the pending pushes of connection {ConnectionId} failed; its batch is dropped")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, long connectionId);

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
