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
internal sealed partial class BatchScheduler(IOptions<SenteOptions> options, ILogger<BatchScheduler> logger) : BackgroundService
{
    private readonly ConcurrentQueue<(SenteConnection Connection, long Due)> _ws = new();
    private readonly ConcurrentQueue<(SenteConnection Connection, long Due)> _ajax = new();
    private readonly long _wsWindow = Ticks(options.Value.SendBufWs);
    private readonly long _ajaxWindow = Ticks(options.Value.SendBufAjax);
    private readonly TimeSpan _tick = TimeSpan.FromMilliseconds(Math.Clamp(options.Value.SendBufWs.TotalMilliseconds / 6, 1, 10));

    public void Schedule(SenteConnection connection)
    {
        var ajax = connection.Transport == SenteTransport.Ajax;
        (ajax ? _ajax : _ws).Enqueue((connection, Stopwatch.GetTimestamp() + (ajax ? _ajaxWindow : _wsWindow)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_tick);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            Drain(_ws, now);
            Drain(_ajax, now);
        }
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
