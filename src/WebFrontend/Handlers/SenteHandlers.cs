using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend;

/// <summary>The application's handlers for client events, by event id, plus an optional catch-all.</summary>
public sealed class SenteHandlers
{
    private readonly Dictionary<EdnKeyword, SenteEventHandler> _byId = [];

    /// <summary>Handles every event that has no handler of its own (including <c>:chsk/*</c> events).</summary>
    public SenteEventHandler? Fallback { get; set; }

    /// <summary>Registers the handler of one event id (<c>"chat/send"</c>).</summary>
    public SenteHandlers On(string eventId, SenteEventHandler handler)
    {
        var id = EdnKeyword.Parse(eventId);
        if (!id.IsNamespaced)
        {
            throw new ArgumentException($"Sente event ids are namespaced keywords; '{eventId}' has no namespace.", nameof(eventId));
        }

        _byId[id] = handler;
        return this;
    }

    internal SenteEventHandler? Find(EdnKeyword id) => _byId.TryGetValue(id, out var handler) ? handler : Fallback;
}

/// <summary>Runs the handler of each event, isolating the connection from handler failures.</summary>
internal sealed partial class EventDispatcher(SenteHandlers handlers, SenteMetrics metrics, ILogger<EventDispatcher> logger)
{
    public async Task DispatchAsync(SenteEventContext context)
    {
        if (context.EventId == Envelope.BadEvent)
        {
            // Whatever the transport, an invalid event is counted and logged once, here.
            metrics.Rejected("bad-event");
            LogBadEvent(logger, context.ClientId, context.Data.ToString());
        }

        if (handlers.Find(context.EventId) is not { } handler)
        {
            if (context.EventId.Namespace != "chsk")
            {
                LogUnhandled(logger, context.EventId.ToString(), context.UserId, context.ClientId);
            }

            return;
        }

        try
        {
            await handler(context);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.Aborted.IsCancellationRequested)
        {
            LogHandlerFailed(logger, e, context.EventId.ToString(), context.UserId, context.ClientId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client {ClientId} sent an invalid event: {Raw}")]
    private static partial void LogBadEvent(ILogger logger, string clientId, string? raw);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No handler for {EventId} from client {ClientId} of user {UserId}")]
    private static partial void LogUnhandled(ILogger logger, string eventId, string? userId, string clientId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler of {EventId} failed for client {ClientId} of user {UserId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventId, string? userId, string clientId);
}
