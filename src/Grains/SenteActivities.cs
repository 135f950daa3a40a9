using System.Diagnostics;

namespace Orleans.Sente.Grains;

/// <summary>
/// The silo's spans (source <see cref="SenteTelemetry.ActivitySourceName"/>) and the trace context a
/// grain call carries. Spans are made only inside a trace: a push that no traced caller issued starts
/// its own trace at <c>sente.push</c>; fan-outs outside any push (a replay on reconnect) make none.
/// </summary>
internal static class SenteActivities
{
    public static readonly ActivitySource Source = new(SenteTelemetry.ActivitySourceName);

    /// <summary>
    /// The caller's context: <see cref="Activity.Current"/> (set by Orleans' activity propagation when
    /// its sources are listened to), else the W3C context the call carried in its request context.
    /// </summary>
    public static ActivityContext CallerContext()
    {
        if (Activity.Current is { } current)
        {
            return current.Context;
        }

        return RequestContext.Get(SenteTelemetry.TraceParentKey) is string parent
            && ActivityContext.TryParse(parent, RequestContext.Get(SenteTelemetry.TraceStateKey) as string, isRemote: true, out var context)
                ? context
                : default;
    }

    /// <summary>Starts <c>sente.push</c> for a push accepted by a grain, as a child of its caller.</summary>
    public static Activity? StartPush(string target, string method) =>
        Source.HasListeners()
            ? Source.StartActivity("sente.push", ActivityKind.Internal, CallerContext(), [new("sente.target", target), new("rpc.method", method)])
            : null;

    /// <summary>
    /// Starts <c>sente.fanout</c> for one push on its way to one front end, inside the current push;
    /// leaves <see cref="Activity.Current"/> as it was (the fan-out ends when its message is sent).
    /// </summary>
    public static Activity? StartFanOut(string frontEndId, int connections)
    {
        if (Activity.Current is not { } push || !Source.HasListeners())
        {
            return null;
        }

        var fanOut = Source.StartActivity("sente.fanout", ActivityKind.Producer, push.Context, [new("sente.front_end", frontEndId), new("sente.connections", connections)]);
        Activity.Current = push;
        return fanOut;
    }
}
