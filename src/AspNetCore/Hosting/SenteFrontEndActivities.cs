using System.Diagnostics;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// The front end's spans (source <see cref="SenteTelemetry.ActivitySourceName"/>; the list is on
/// <see cref="SenteTelemetry"/>). A delivery's span continues the trace its push began on the silo,
/// from the context the delivery carries (or, for a broadcast, the context of the call).
/// </summary>
internal static class SenteFrontEndActivities
{
    public static readonly ActivitySource Source = new(SenteTelemetry.ActivitySourceName);

    /// <summary>Starts <c>sente.deliver</c> for one push reaching this front end; null when the push was not traced.</summary>
    public static Activity? StartDeliver(string? traceParent, int connections, string kind = "push")
    {
        if (!Source.HasListeners() || ParentOf(traceParent) is not { } parent)
        {
            return null;
        }

        return Source.StartActivity("sente.deliver", ActivityKind.Consumer, parent, [new("sente.delivery", kind), new("sente.connections", connections)]);
    }

    /// <summary>Starts <c>sente.send</c>: the current delivery handed to one connection's socket.</summary>
    public static Activity? StartSend(SenteConnection connection) =>
        Activity.Current is { Source.Name: SenteTelemetry.ActivitySourceName } && Source.HasListeners()
            ? Source.StartActivity("sente.send", ActivityKind.Internal, default(ActivityContext), [new("sente.connection", connection.Id), new("sente.transport", TransportName(connection.Transport))])
            : null;

    /// <summary>Starts <c>sente.connect</c>: a new connection until its user grain knows its route.</summary>
    public static Activity? StartConnect(string clientId, SenteTransport transport) =>
        Source.StartActivity("sente.connect", ActivityKind.Server, default(ActivityContext), [new("sente.client", clientId), new("sente.transport", TransportName(transport))]);

    /// <summary>Starts <c>sente.handshake</c>.</summary>
    public static Activity? StartHandshake() => Source.StartActivity("sente.handshake");

    /// <summary>Starts <c>sente.handle</c>: one event handler.</summary>
    public static Activity? StartHandle(string eventId, string clientId) =>
        Source.StartActivity("sente.handle", ActivityKind.Internal, default(ActivityContext), [new("sente.event", eventId), new("sente.client", clientId)]);

    private static ActivityContext? ParentOf(string? traceParent)
    {
        if (traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var carried))
        {
            return carried;
        }

        if (Activity.Current is { } current)
        {
            return current.Context;
        }

        return RequestContext.Get(SenteTelemetry.TraceParentKey) is string fromCall
            && ActivityContext.TryParse(fromCall, RequestContext.Get(SenteTelemetry.TraceStateKey) as string, isRemote: true, out var context)
                ? context
                : null;
    }

    private static string TransportName(SenteTransport transport) => transport == SenteTransport.Ajax ? "ajax" : "ws";
}
