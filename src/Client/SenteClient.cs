using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Sente.Client.Transport;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client;

/// <summary>
/// A Sente client for services, tests and load generation: Sente's client semantics over
/// WebSocket or Ajax long-polling, with the JSON packer by default. It reconnects by itself after
/// an unexpected close (see <see cref="SenteClientOptions.ReconnectPolicy"/>) until
/// <see cref="DisconnectAsync"/> or disposal. Thread-safe.
/// </summary>
public sealed partial class SenteClient : IAsyncDisposable
{
    private readonly SenteClientOptions _options;
    private readonly ISentePacker _packer;
    private readonly ClientHttp _http;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private SenteClientState _state;
    private TaskCompletionSource _openSignal = NewSignal();
    private bool _disposed;

    /// <summary>Makes a client; nothing connects until <see cref="ConnectAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid (all problems are listed).</exception>
    public SenteClient(SenteClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _packer = ClientFrames.Packer(options.Packer);
        _logger = options.Logger ?? NullLogger.Instance;
        _http = new ClientHttp(options);
        _state = SenteClientState.Initial(options.Transport);
        _events = options.EventBufferCapacity == 0
            ? null
            : Channel.CreateBounded<SenteEvent>(new BoundedChannelOptions(options.EventBufferCapacity)
            {
                FullMode = options.EventBufferFullMode,
                SingleWriter = true,
            });
    }

    /// <summary>Raised after every change of <see cref="State"/>, on the thread that changed it; keep listeners short.</summary>
    public event EventHandler<SenteStateChangedEventArgs>? StateChanged;

    /// <summary>The client-id this client connects with.</summary>
    public string ClientId => _options.ClientId;

    /// <summary>The current state.</summary>
    public SenteClientState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Connects and returns after the handshake (at once when already open). Failed attempts are
    /// retried under the reconnect policy. Throws <see cref="SenteConnectException"/> when the server
    /// refuses the first connection with a 4xx status or the policy stops retrying; cancelling a
    /// connect that this call started stops connecting.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        Task opened;
        bool started;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state.Open)
            {
                return;
            }

            started = StartLoop();
            opened = _openSignal.Task;
        }

        try
        {
            await opened.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && started && !State.Open)
        {
            await StopLoopAsync();
            throw;
        }
    }

    /// <summary>
    /// Closes the connection (<see cref="SenteCloseReason.RequestedDisconnect"/>) and stops
    /// reconnecting. Pending requests fail with <see cref="SenteRequestFailure.Closed"/>.
    /// <see cref="ConnectAsync"/> may connect again.
    /// </summary>
    public Task DisconnectAsync() => StopLoopAsync();

    /// <summary>
    /// Closes the connection (<see cref="SenteCloseReason.RequestedReconnect"/>) and connects again
    /// at once, for example after a login changed the session; returns after the new handshake.
    /// </summary>
    public async Task ReconnectAsync(CancellationToken cancellationToken = default)
    {
        Task opened;
        CancellationTokenSource? toCancel;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_loop is null)
            {
                StartLoop();
                opened = _openSignal.Task;
                toCancel = null;
            }
            else
            {
                if (_openSignal.Task.IsCompleted)
                {
                    _openSignal = NewSignal();
                }

                opened = _openSignal.Task;
                _requested = SenteCloseReason.RequestedReconnect;
                toCancel = _connectionStop ?? _retryWait;
            }
        }

        if (toCancel is not null)
        {
            await CancelQuietlyAsync(toCancel);
        }

        await opened.WaitAsync(cancellationToken);
    }

    /// <summary>Disconnects, ends <see cref="ReadEventsAsync"/> and releases the HTTP resources.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        await StopLoopAsync();
        _events?.Writer.TryComplete();
        _http.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static async Task CancelQuietlyAsync(CancellationTokenSource source)
    {
        try
        {
            await source.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // That attempt already ended.
        }
    }

    private void SetState(Func<SenteClientState, SenteClientState> change)
    {
        SenteClientState old, updated;
        lock (_gate)
        {
            old = _state;
            updated = change(old);
            _state = updated;
        }

        RaiseStateChanged(old, updated);
    }

    private void RaiseStateChanged(SenteClientState old, SenteClientState updated)
    {
        if (old == updated)
        {
            return;
        }

        try
        {
            StateChanged?.Invoke(this, new SenteStateChangedEventArgs(old, updated));
        }
        catch (Exception e)
        {
            ClientLog.StateListenerFailed(_logger, e);
        }
    }
}
