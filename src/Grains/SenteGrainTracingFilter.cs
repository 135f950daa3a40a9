using System.Reflection;

namespace Orleans.Sente.Grains;

/// <summary>
/// Opens <c>sente.push</c> around each push a Sente grain accepts (user, client, broadcast), as a
/// child of the caller's trace, so that the fan-out and the front ends' deliveries hang under it.
/// Other calls pass through untouched.
/// </summary>
internal sealed class SenteGrainTracingFilter : IIncomingGrainCallFilter
{
    // Not async when there is nothing to trace: most calls pass through without a state machine.
    public Task Invoke(IIncomingGrainCallContext context) =>
        SenteActivities.Source.HasListeners() && TargetOf(context.InterfaceMethod) is { } target
            ? InvokeTracedAsync(context, target)
            : context.Invoke();

    private static async Task InvokeTracedAsync(IIncomingGrainCallContext context, string target)
    {
        using var push = SenteActivities.StartPush(target, context.MethodName);
        try
        {
            await context.Invoke();
        }
        catch (Exception e)
        {
            push?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
    }

    private static string? TargetOf(MethodInfo? method) => method switch
    {
        null => null,
        { Name: nameof(IUserGrain.PushAsync) } when method.DeclaringType == typeof(IUserGrain) => "user",
        { Name: nameof(IUserGrain.PushToClientAsync) } when method.DeclaringType == typeof(IUserGrain) => "client",
        { Name: nameof(IClientGrain.PushAsync) } when method.DeclaringType == typeof(IClientGrain) => "client",
        { Name: nameof(IFrontEndRegistryGrain.BroadcastAsync) } when method.DeclaringType == typeof(IFrontEndRegistryGrain) => "broadcast",
        _ => null,
    };
}
