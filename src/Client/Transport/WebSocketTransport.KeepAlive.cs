using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client.Transport;

internal sealed partial class WebSocketTransport
{
    /// <summary>
    /// Sente's client keep-alive: after <c>WsKeepAlive</c> with nothing received, send
    /// <c>[[:chsk/ws-ping] cb]</c>; no <c>"pong"</c> within <c>WsPingTimeout</c> closes the connection.
    /// Only what is received counts, so a half-open socket is noticed even while the application
    /// keeps sending. While the application is still taking pushes, the socket is not idle.
    /// </summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        var options = Host.Options;
        if (options.WsKeepAlive == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        var time = options.TimeProvider;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var idle = time.GetElapsedTime(Volatile.Read(ref _lastReceived));
                if (_delivering || idle < options.WsKeepAlive)
                {
                    var wait = _delivering ? options.WsKeepAlive : options.WsKeepAlive - idle;
                    await Task.Delay(wait, time, cancellationToken);
                    continue;
                }

                using var deadline = new CancellationTokenSource(options.WsPingTimeout, time);
                using var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                try
                {
                    await RequestAsync(new SenteEvent(Envelope.WsPing), ping.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    ClientLog.PingTimedOut(Host.Logger, options.WsPingTimeout);
                    _pingTimedOut = true;
                    await _abort.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The connection ended.
        }
        catch (SenteRequestException)
        {
            // The connection ended while pinging; the read loop reports why.
        }
    }
}
