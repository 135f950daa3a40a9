using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;

namespace Orleans.Sente.Grains;

/// <summary>
/// Times every call into an Orleans.Sente grain (<c>sente.grain.call.duration</c>, tagged
/// <c>IUserGrain.Push</c> and so on) and counts accepted pushes. Calls to other grains pass through
/// untouched.
/// </summary>
internal sealed class SenteGrainCallMetricsFilter(SenteGrainMetrics metrics) : IIncomingGrainCallFilter
{
    private static readonly ConcurrentDictionary<MethodInfo, string?> Names = new();

    // Not async when the call completes at once (a push to an online user usually does) or is not
    // a Sente grain's: most calls pass through without a state machine.
    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (NameOf(context.InterfaceMethod) is not { } method)
        {
            return context.Invoke();
        }

        var started = Stopwatch.GetTimestamp();
        Task call;
        try
        {
            call = context.Invoke();
        }
        catch
        {
            Completed(method, started, failed: true);
            throw;
        }

        if (call.IsCompleted)
        {
            Completed(method, started, failed: !call.IsCompletedSuccessfully);
            return call;
        }

        return AwaitAsync(call, method, started);
    }

    private async Task AwaitAsync(Task call, string method, long started)
    {
        var failed = true;
        try
        {
            await call;
            failed = false;
        }
        finally
        {
            Completed(method, started, failed);
        }
    }

    private void Completed(string method, long started, bool failed)
    {
        metrics.CallCompleted(method, Stopwatch.GetElapsedTime(started).TotalMilliseconds, failed);
        if (!failed)
        {
            CountPush(method);
        }
    }

    private void CountPush(string method)
    {
        switch (method)
        {
            case "IUserGrain.Push":
                metrics.Pushed("user");
                break;
            case "IUserGrain.PushToClient":
                metrics.Pushed("client");
                break;
            case "IFrontEndRegistryGrain.Broadcast":
                metrics.Pushed("broadcast");
                break;
        }
    }

    /// <summary>"IUserGrain.Push" for a method of an Orleans.Sente grain interface; null otherwise.</summary>
    private static string? NameOf(MethodInfo? method) =>
        method is null ? null : Names.GetOrAdd(method, static m =>
            m.DeclaringType is { Namespace: { } ns } type && ns.StartsWith("Orleans.Sente", StringComparison.Ordinal)
                ? type.Name + "." + (m.Name.EndsWith("Async", StringComparison.Ordinal) ? m.Name[..^5] : m.Name)
                : null);
}
