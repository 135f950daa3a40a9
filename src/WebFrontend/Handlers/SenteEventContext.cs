using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend;

/// <summary>What an event handler gets: who sent the event, the event, and a way to reply.</summary>
public sealed class SenteEventContext
{
    private readonly Action<EdnValue>? _reply;
    private int _replied;

    internal SenteEventContext(
        string? userId, string clientId, SenteTransport transport, SenteEvent @event,
        Action<EdnValue>? reply, IServiceProvider services, IGrainFactory grains, CancellationToken aborted)
    {
        UserId = userId;
        ClientId = clientId;
        Transport = transport;
        Event = @event;
        _reply = reply;
        Services = services;
        Grains = grains;
        Aborted = aborted;
    }

    /// <summary>The sender's user-id, as the server computed it; null is nil-uid.</summary>
    public string? UserId { get; }

    /// <summary>The sender's client-id (chosen by the client).</summary>
    public string ClientId { get; }

    public SenteTransport Transport { get; }

    public SenteEvent Event { get; }

    public EdnKeyword EventId => Event.Id;

    /// <summary>The event's data; nil when it has none.</summary>
    public EdnValue Data => Event.Data ?? EdnValue.Nil;

    /// <summary>True when the client asked for a reply (sent a callback id).</summary>
    public bool WantsReply => _reply is not null;

    public IServiceProvider Services { get; }

    /// <summary>The cluster, to call grains (push to users, ask state).</summary>
    public IGrainFactory Grains { get; }

    /// <summary>Signalled when the connection closes.</summary>
    public CancellationToken Aborted { get; }

    /// <summary>
    /// Replies to the client's callback. At most one reply is sent; later calls, and calls for
    /// an event that wanted none, return false.
    /// </summary>
    public bool Reply(EdnValue value)
    {
        if (_reply is null || Interlocked.Exchange(ref _replied, 1) == 1)
        {
            return false;
        }

        _reply(value);
        return true;
    }
}

/// <summary>Handles one client event.</summary>
public delegate Task SenteEventHandler(SenteEventContext context);
