using System.Security.Claims;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>What an event handler gets: who sent the event, the event, and a way to reply.</summary>
public sealed class SenteEventContext
{
    private readonly Action<EdnValue>? _reply;
    private int _replied;

    internal SenteEventContext(
        string? userId, string clientId, SenteTransport transport, SenteEvent @event,
        Action<EdnValue>? reply, ClaimsPrincipal user, IGrainFactory grains, CancellationToken aborted)
    {
        UserId = userId;
        ClientId = clientId;
        Transport = transport;
        Event = @event;
        _reply = reply;
        User = user;
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

    /// <summary>
    /// The sender's principal, as ASP.NET Core authenticated it: for a WebSocket, the principal of
    /// the upgrade request (captured at connect, for every event of the connection); for Ajax, the
    /// principal of the POST that carried the event. Server-made events (<c>:chsk/uidport-open</c>,
    /// <c>:chsk/uidport-close</c>) carry an unauthenticated principal.
    /// </summary>
    public ClaimsPrincipal User { get; }

    /// <summary>
    /// The application's services, from a DI scope made for this one handler invocation (scoped
    /// services such as a DbContext are fresh per event) and disposed, asynchronously, once the
    /// handler's task has completed.
    /// </summary>
    public IServiceProvider Services { get; internal set; } = EmptyServices.Instance;

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

/// <summary>What <see cref="SenteEventContext.Services"/> is before the dispatcher gives the context its scope.</summary>
internal sealed class EmptyServices : IServiceProvider
{
    public static readonly EmptyServices Instance = new();

    public object? GetService(Type serviceType) => null;
}

/// <summary>Handles one client event.</summary>
public delegate Task SenteEventHandler(SenteEventContext context);
