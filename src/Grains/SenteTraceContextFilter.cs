using System.Diagnostics;

namespace Orleans.Sente.Grains;

/// <summary>
/// Carries <see cref="Activity.Current"/> on calls to Orleans.Sente's grains and front ends, in the
/// request context under the keys Orleans' activity propagation uses. Orleans' own filter carries
/// the context only when its sources (<c>Microsoft.Orleans.Runtime</c>: Sente's interfaces sit under
/// the <c>Orleans.</c> namespace) are listened to; with this one a tracer that listens to
/// <c>Orleans.Sente</c> alone still sees one trace per push. When Orleans' filter made a span for the
/// call, that span is current here and is what the callee sees as its parent.
/// </summary>
internal sealed class SenteTraceContextFilter : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context) =>
        Activity.Current is { } current && IsSente(context.InterfaceMethod?.DeclaringType)
            ? InvokeWithContextAsync(context, current)
            : context.Invoke();

    // Async, so that the request-context values set here end with this call rather than leak into
    // the caller's later calls.
    private static async Task InvokeWithContextAsync(IOutgoingGrainCallContext context, Activity current)
    {
        RequestContext.Set(SenteTelemetry.TraceParentKey, current.Id!);
        if (current.TraceStateString is { } state)
        {
            RequestContext.Set(SenteTelemetry.TraceStateKey, state);
        }

        await context.Invoke();
    }

    private static bool IsSente(Type? type) =>
        type?.Namespace is { } ns && ns.StartsWith("Orleans.Sente", StringComparison.Ordinal);
}
