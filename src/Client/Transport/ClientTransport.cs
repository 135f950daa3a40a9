using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client.Transport;

/// <summary>
/// One connection of a <see cref="SenteClient"/> over one transport: made for one attempt, run
/// until it closes, then dropped. It reports the handshake and pushes to its host; the host
/// decides about reconnecting.
/// </summary>
internal abstract class ClientTransport(ITransportHost host)
{
    protected ITransportHost Host { get; } = host;

    public abstract SenteClientTransport Kind { get; }

    /// <summary>Connects, handshakes and reads until the connection ends; never throws. Cancelling closes it.</summary>
    public abstract Task<TransportEnd> RunAsync(CancellationToken cancellationToken);

    /// <summary>Sends an event that wants no reply; failures as <see cref="SenteRequestException"/>.</summary>
    public abstract Task SendAsync(SenteEvent @event, CancellationToken cancellationToken);

    /// <summary>Sends an event and returns its reply; failures as <see cref="SenteRequestException"/>.</summary>
    public abstract Task<EdnValue> RequestAsync(SenteEvent @event, CancellationToken cancellationToken);

    /// <summary>
    /// The token from <see cref="SenteClientOptions.AccessTokenProvider"/>, or null without one. A
    /// provider that throws fails the request or connection attempt as a network error would
    /// (an <see cref="IOException"/>), so the client reconnects with its usual backoff.
    /// </summary>
    protected async ValueTask<string?> AccessTokenAsync(CancellationToken cancellationToken)
    {
        if (Host.Options.AccessTokenProvider is not { } provider)
        {
            return null;
        }

        try
        {
            return await provider(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new IOException("The access token provider failed: " + e.Message, e);
        }
    }
}

/// <summary>How a connection ended: the reason, whether it had opened, and for a refused first request the HTTP status.</summary>
internal readonly record struct TransportEnd(SenteCloseReason Reason, bool Opened, string? Detail, int? RefusedStatus = null);

/// <summary>What a transport needs from its client.</summary>
internal interface ITransportHost
{
    SenteClientOptions Options { get; }

    ISentePacker Packer { get; }

    ClientHttp Http { get; }

    Microsoft.Extensions.Logging.ILogger Logger { get; }

    /// <summary>
    /// The last resume mark the server sent (<c>epoch:push-id</c> of the last push received), sent back
    /// on every connect as the <c>resume</c> parameter so that the server sends again only what this
    /// client missed; empty before any (the parameter then only asks for marks).
    /// </summary>
    string ResumeMark { get; set; }

    /// <summary>A handshake arrived on this transport: the connection is open.</summary>
    void OnHandshake(ClientTransport transport, Handshake handshake);

    /// <summary>Pushed events, in order; may wait when the application is slow.</summary>
    ValueTask OnEventsAsync(IReadOnlyList<SenteEvent> events, CancellationToken cancellationToken);
}
