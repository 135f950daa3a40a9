using Orleans.Sente.Client.Transport;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client;

/// <summary>Sending events and requests.</summary>
public sealed partial class SenteClient
{
    /// <summary>
    /// Sends <c>[event-id data]</c> wanting no reply (<c>[event-id]</c> when <paramref name="data"/> is null).
    /// Over Ajax this completes when the server has accepted the POST.
    /// </summary>
    /// <param name="eventId">A namespaced id, <c>"my/note"</c> (a leading colon is allowed); not in <c>chsk/</c>.</param>
    /// <param name="data">The event's data, or null for none.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <exception cref="SenteRequestException"><see cref="SenteRequestFailure.Closed"/> when the client is not open; <see cref="SenteRequestFailure.Error"/> when the transport refused it.</exception>
    /// <exception cref="ArgumentException">The event id is not namespaced, or is in <c>chsk/</c>.</exception>
    public Task SendAsync(string eventId, EdnValue? data = null, CancellationToken cancellationToken = default)
    {
        var @event = MakeEvent(eventId, data);
        return CurrentTransport(@event).SendAsync(@event, cancellationToken);
    }

    /// <summary>
    /// Sends <c>[event-id data]</c> and returns the server's reply. A reply that arrives after the
    /// timeout is dropped. Cancelling <paramref name="cancellationToken"/> throws
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="eventId">A namespaced id, <c>"my/req"</c> (a leading colon is allowed); not in <c>chsk/</c>.</param>
    /// <param name="data">The event's data, or null for none.</param>
    /// <param name="timeout">How long to wait for the reply; <see cref="Timeout.InfiniteTimeSpan"/> waits until the connection drops.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="SenteRequestException">
    /// <see cref="SenteRequestFailure.Closed"/>: not open, or the connection dropped while waiting (at once, not at the timeout);
    /// <see cref="SenteRequestFailure.Timeout"/>: no reply in time (or the server's Ajax handler timed out);
    /// <see cref="SenteRequestFailure.Error"/>: the transport failed.
    /// </exception>
    /// <exception cref="ArgumentException">The event id is not namespaced, or is in <c>chsk/</c>.</exception>
    public async Task<EdnValue> RequestAsync(string eventId, EdnValue? data, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive or infinite.");
        }

        var @event = MakeEvent(eventId, data);
        var transport = CurrentTransport(@event);
        using var deadline = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await transport.RequestAsync(@event, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SenteRequestException(SenteRequestFailure.Timeout, $"No reply to {@event.Id} within {timeout}.");
        }
    }

    private static SenteEvent MakeEvent(string eventId, EdnValue? data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        var id = EdnKeyword.Parse(eventId);
        if (!id.IsNamespaced || id.Namespace == Envelope.Handshake.Namespace)
        {
            throw new ArgumentException($"An event id must be namespaced and not in chsk/: '{eventId}'.", nameof(eventId));
        }

        return new SenteEvent(id, data);
    }

    private ClientTransport CurrentTransport(SenteEvent @event)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_current is { } transport && _state.Open)
            {
                return transport;
            }
        }

        throw new SenteRequestException(SenteRequestFailure.Closed, $"Cannot send {@event.Id}: the client is not open.");
    }
}
