using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// One loop per process for every socket's keep-alive: a socket with no activity for half of
/// <c>WsKeepAlive</c> gets <c>[:chsk/ws-ping nil]</c>; one that then sends nothing for
/// <c>WsPingTimeout</c> is closed. It also times out parked Ajax polls (<c>LpTimeout</c>) and
/// ends Ajax sessions that saw no poll for <c>AjaxSessionTimeout</c>, and aborts a socket whose
/// write has waited for its client longer than <c>WriteTimeout</c>. What fails for one
/// connection is logged and skipped: the loop itself never ends before the host stops.
/// </summary>
internal sealed partial class Heartbeat(FrontEndConnections connections, SenteMetrics metrics, IOptions<SenteOptions> options, ILogger<Heartbeat> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var idle = (long)(o.WsKeepAlive.TotalSeconds / 2 * Stopwatch.Frequency);
        var timeout = (long)(o.WsPingTimeout.TotalSeconds * Stopwatch.Frequency);
        var gapTimeout = (long)(SequenceGate.GapTimeout.TotalSeconds * Stopwatch.Frequency);
        var writeTimeout = (long)(o.WriteTimeout.TotalSeconds * Stopwatch.Frequency);
        var shortest = Math.Min(
            Math.Min(Math.Min(o.WsKeepAlive.TotalMilliseconds / 2, o.WsPingTimeout.TotalMilliseconds), Math.Min(o.LpTimeout.TotalMilliseconds, o.AjaxSessionTimeout.TotalMilliseconds)),
            o.WriteTimeout.TotalMilliseconds);
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(shortest / 5, 10, 1000));
        using var timer = new PeriodicTimer(tick);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var connection in connections.All)
            {
                try
                {
                    Tick(connection, now, idle, timeout, gapTimeout, writeTimeout);
                }
                catch (Exception e)
                {
                    LogTickFailed(logger, e, connection.Id);
                }
            }
        }
    }

    private void Tick(SenteConnection connection, long now, long idle, long timeout, long gapTimeout, long writeTimeout)
    {
        if (connection.SkipStuckGap(now, gapTimeout) is > 0 and var skipped)
        {
            metrics.Dropped("sequence-gap", (int)skipped);
        }

        if (connection is AjaxConnection ajax)
        {
            ajax.Tick(now);
            return;
        }

        if (connection is not WebSocketConnection ws)
        {
            return;
        }

        if (ws.WriteStalledSince is var stalled and not 0 && now - stalled > writeTimeout)
        {
            ws.Abort(SenteCloseReason.WriteTimeout);
            return;
        }

        var pingSent = ws.PingSent;
        if (pingSent != 0)
        {
            if (ws.LastReceived < pingSent && now - pingSent > timeout)
            {
                ws.Close(SenteCloseReason.PingTimeout);
            }
        }
        else if (now - ws.LastActivity > idle)
        {
            ws.Ping(now);
        }
    }

    [LoggerMessage(EventId = 1111, Level = LogLevel.Error, Message = "The heartbeat failed on connection {ConnectionId}; it goes on with the others")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, long connectionId);
}
