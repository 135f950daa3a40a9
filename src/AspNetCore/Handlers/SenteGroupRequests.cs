using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// A client asks to join or leave a group: <c>[:sente/join-group "room-1"]</c> or
/// <c>[:sente/leave-group "room-1"]</c>, with a callback. What decides is the application's hook
/// (<see cref="SenteGroupRequests.OnGroupRequest"/>); without one every request is refused.
/// </summary>
/// <param name="Context">The event as any handler sees it: the user-id, client-id, principal.</param>
/// <param name="Group">The group name asked for (already checked as a name).</param>
/// <param name="Join">True to join, false to leave.</param>
public sealed record SenteGroupRequest(SenteEventContext Context, string Group, bool Join);

/// <summary>The client side of groups: join and leave requests, decided by the application.</summary>
public static class SenteGroupRequests
{
    /// <summary>The event a client sends to join a group (its data: the group name).</summary>
    public const string JoinEventId = "sente/join-group";

    /// <summary>The event a client sends to leave a group (its data: the group name).</summary>
    public const string LeaveEventId = "sente/leave-group";

    /// <summary>
    /// Lets clients join and leave groups when <paramref name="decide"/> says yes. An allowed join
    /// makes the asking client (that tab, not every client of its user) a member until it leaves or
    /// is gone for good. The reply is <c>{:ok true, :group name}</c>, or <c>{:ok false, :group name,
    /// :error reason}</c> (refused, a bad name, no user-id, a limit reached).
    /// </summary>
    public static SenteRouteBuilder OnGroupRequest(this SenteRouteBuilder sente, Func<SenteGroupRequest, ValueTask<bool>> decide)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return sente
            .On(JoinEventId, context => HandleAsync(context, join: true, decide))
            .On(LeaveEventId, context => HandleAsync(context, join: false, decide));
    }

    /// <summary>Without a hook: every request is refused, with a reply that says so.</summary>
    internal static void RefuseAll(SenteHandlers handlers)
    {
        static ValueTask<bool> Refuse(SenteGroupRequest request) => ValueTask.FromResult(false);
        handlers.On(JoinEventId, context => HandleAsync(context, join: true, Refuse));
        handlers.On(LeaveEventId, context => HandleAsync(context, join: false, Refuse));
    }

    private static async Task HandleAsync(SenteEventContext context, bool join, Func<SenteGroupRequest, ValueTask<bool>> decide)
    {
        var name = context.Data.AsString();
        if (!SenteKeys.IsValidGroupName(name, out var problem))
        {
            context.Reply(Refused(name, problem!));
            return;
        }

        if (context.UserId is null)
        {
            context.Reply(Refused(name, "a client without a user-id cannot join groups"));
            return;
        }

        if (!await decide(new SenteGroupRequest(context, name!, join)))
        {
            context.Reply(Refused(name, "refused"));
            return;
        }

        var group = context.Grains.GetGroupGrain(name!);
        try
        {
            await (join ? group.AddClientAsync(context.UserId, context.ClientId) : group.RemoveClientAsync(context.UserId, context.ClientId));
        }
        catch (SenteGroupLimitException e)
        {
            context.Reply(Refused(name, e.Message));
            return;
        }

        context.Reply(EdnMap.Of(("ok", true), ("group", name)));
    }

    private static EdnMap Refused(string? name, string reason) => EdnMap.Of(("ok", false), ("group", name), ("error", reason));
}
