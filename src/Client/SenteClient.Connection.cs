using Microsoft.Extensions.Logging;
using Orleans.Sente.Client.Transport;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client;

/// <summary>The connection loop: one transport per attempt, reconnects under the policy.</summary>
public sealed partial class SenteClient : ITransportHost
{
    private Task? _loop;
    private CancellationTokenSource? _loopStop;
    private CancellationTokenSource? _connectionStop;
    private CancellationTokenSource? _retryWait;
    private ClientTransport? _current;
    private SenteCloseReason? _requested;
    private int _generation;
    private bool _downgraded;
    private bool _wsEverOpened;

    SenteClientOptions ITransportHost.Options => _options;

    ISentePacker ITransportHost.Packer => _packer;

    ClientHttp ITransportHost.Http => _http;

    ILogger ITransportHost.Logger => _logger;

    string ITransportHost.ResumeMark { get; set; } = "";

    void ITransportHost.OnHandshake(ClientTransport transport, Handshake handshake)
    {
        SenteClientState old, updated;
        TaskCompletionSource signal;
        lock (_gate)
        {
            if (_connectionStop is null || _connectionStop.IsCancellationRequested)
            {
                // A connection being closed: its handshake no longer counts.
                return;
            }

            _current = transport;
            _wsEverOpened |= transport.Kind == SenteClientTransport.WebSocket;
            old = _state;
            updated = old with
            {
                Open = true,
                EverOpened = true,
                UserId = handshake.UserId,
                HandshakeData = handshake.Data,
                Transport = transport.Kind,
            };
            _state = updated;
            signal = _openSignal;
        }

        ClientLog.Opened(_logger, ClientId, transport.Kind, handshake.UserId);
        RaiseStateChanged(old, updated);
        signal.TrySetResult();
    }

    ValueTask ITransportHost.OnEventsAsync(IReadOnlyList<SenteEvent> events, CancellationToken cancellationToken) =>
        DeliverAsync(events, cancellationToken);

    /// <summary>Starts the loop unless it runs; true when this call started it. Called under the gate.</summary>
    private bool StartLoop()
    {
        if (_loop is not null)
        {
            return false;
        }

        var stop = new CancellationTokenSource();
        _loopStop = stop;
        var generation = ++_generation;
        _loop = Task.Run(() => RunLoopAsync(generation, stop.Token));
        return true;
    }

    private async Task StopLoopAsync()
    {
        Task? loop;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            loop = _loop;
            stop = _loopStop;
            if (loop is null)
            {
                return;
            }

            _requested = SenteCloseReason.RequestedDisconnect;
        }

        await CancelQuietlyAsync(stop!);
        await loop;
    }

    private async Task RunLoopAsync(int generation, CancellationToken stop)
    {
        Exception? failure = null;
        var attempt = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var kind = _options.Transport == SenteClientTransport.Ajax || _downgraded ? SenteClientTransport.Ajax : SenteClientTransport.WebSocket;
                ClientTransport transport = kind == SenteClientTransport.WebSocket ? new WebSocketTransport(this) : new AjaxTransport(this);
                TransportEnd end;
                using (var connectionStop = CancellationTokenSource.CreateLinkedTokenSource(stop))
                {
                    lock (_gate)
                    {
                        _connectionStop = connectionStop;
                        if (_requested == SenteCloseReason.RequestedReconnect)
                        {
                            // A reconnect asked for during the wait: this attempt is it.
                            _requested = null;
                        }
                    }

                    ClientLog.Connecting(_logger, ClientId, kind);
                    end = await transport.RunAsync(connectionStop.Token);
                }

                SenteCloseReason? requested;
                lock (_gate)
                {
                    _connectionStop = null;
                    requested = _requested;
                    if (requested == SenteCloseReason.RequestedReconnect)
                    {
                        _requested = null;
                    }
                }

                var reason = requested ?? end.Reason;
                OnClosed(transport, end, reason);
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                if (end.Opened || requested == SenteCloseReason.RequestedReconnect)
                {
                    // A handshake (or a reconnect asked for) starts the backoff over.
                    attempt = 0;
                    if (requested == SenteCloseReason.RequestedReconnect)
                    {
                        continue;
                    }
                }

                if (kind == SenteClientTransport.WebSocket && _options.Transport == SenteClientTransport.Auto && !_wsEverOpened)
                {
                    _downgraded = true;
                    ClientLog.Downgrading(_logger, ClientId);
                    SetState(s => s with { Transport = SenteClientTransport.Ajax, LastClose = new(Now, SenteCloseReason.DowngradingWsToAjax, end.Detail) });
                    continue;
                }

                if (end.RefusedStatus is { } status && !State.EverOpened)
                {
                    failure = new SenteConnectException($"The server refused the connection: {end.Detail}", status);
                    break;
                }

                if (_options.ReconnectPolicy.NextDelay(attempt) is not { } delay)
                {
                    failure = new SenteConnectException($"The reconnect policy stopped retrying after {attempt + 1} attempts; last close: {reason} {end.Detail}");
                    break;
                }

                attempt++;
                ClientLog.Retrying(_logger, ClientId, delay, attempt);
                await WaitToRetryAsync(delay, stop);
            }
        }
        catch (Exception e)
        {
            ClientLog.LoopFailed(_logger, e, ClientId);
            failure = e;
        }
        finally
        {
            TaskCompletionSource signal;
            lock (_gate)
            {
                if (_generation == generation)
                {
                    _loop = null;
                    _loopStop = null;
                    _requested = null;
                }

                signal = _openSignal;
                if (!signal.Task.IsCompleted)
                {
                    _openSignal = NewSignal();
                }
            }

            if (failure is not null)
            {
                ClientLog.GaveUp(_logger, ClientId, failure.Message);
            }

            signal.TrySetException(failure ?? new SenteConnectException("The client was disconnected before it connected."));
        }
    }

    private void OnClosed(ClientTransport transport, TransportEnd end, SenteCloseReason reason)
    {
        SenteClientState old, updated;
        lock (_gate)
        {
            if (_current == transport)
            {
                _current = null;
            }

            old = _state;
            updated = old;
            var requested = reason is SenteCloseReason.RequestedDisconnect or SenteCloseReason.RequestedReconnect;
            if (old.Open || requested)
            {
                // Failed attempts do not churn the state; closes of open connections and requested transitions do.
                updated = old with { Open = false, LastClose = new(Now, reason, end.Detail) };
                _state = updated;
            }

            if (_openSignal.Task.IsCompleted)
            {
                _openSignal = NewSignal();
            }
        }

        if (old.Open)
        {
            ClientLog.Closed(_logger, ClientId, reason, end.Detail);
        }
        else
        {
            ClientLog.AttemptFailed(_logger, ClientId, reason, end.Detail);
        }

        RaiseStateChanged(old, updated);
    }

    /// <summary>Waits before a retry; <see cref="ReconnectAsync"/> cuts the wait short.</summary>
    private async Task WaitToRetryAsync(TimeSpan delay, CancellationToken stop)
    {
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
        lock (_gate)
        {
            _retryWait = wait;
        }

        try
        {
            await Task.Delay(delay, _options.TimeProvider, wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopped, or a reconnect asked for: the loop decides.
        }
        finally
        {
            lock (_gate)
            {
                _retryWait = null;
            }
        }
    }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();
}
