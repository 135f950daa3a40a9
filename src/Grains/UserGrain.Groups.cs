using Microsoft.Extensions.Logging;

namespace Sente.Grains;

/// <summary>
/// Groups: a client gone for good ends the memberships it had on its own; a client that connects
/// again learns where its previous connection's group pushes stopped (the group pushes it missed
/// come from the groups themselves, in the groups' order, docs/groups.md).
/// </summary>
internal sealed partial class UserGrain : IClientGroupsHandoverGrain
{
    /// <summary>How many of a client's latest connections are remembered with the one each took over.</summary>
    private const int RecentAttachesKept = 4;

    /// <summary>Tells the user's groups that a client is gone for good; not awaited by the caller, a failure is logged.</summary>
    private Task OnClientGone(string clientId)
    {
        if (UserId is null)
        {
            return Task.CompletedTask;
        }

        var notice = GrainFactory.GetGrain<IUserGroupsGrain>(this.GetPrimaryKeyString()).ClientGoneAsync(clientId);
        Observe(notice, "notice to its groups that client " + clientId + " is gone");
        return notice;
    }

    /// <summary>A new connection of the client attached, taking over <paramref name="previous"/> (if any).</summary>
    private static void NoteAttach(ClientSlot slot, ClientRoute route, ClientRoute? previous)
    {
        var recent = slot.RecentAttaches ??= new Queue<(ClientRoute, ClientRoute?)>(RecentAttachesKept);
        if (recent.Count == RecentAttachesKept)
        {
            recent.Dequeue();
        }

        recent.Enqueue((route, previous));
    }

    /// <summary>
    /// The front end of a new connection asks, for the groups the client is in, where its previous
    /// connection stopped. It may ask before or after the connection's attach reaches this grain: a
    /// connection that attached is answered with the one it took over, one that has not yet with
    /// the client's connection now. The previous connection's front end is asked off this grain's
    /// turn (the call interleaves), within the rebuild bound; one counted as gone is not asked.
    /// </summary>
    public async Task<GroupHandover> HandOverGroupsAsync(string clientId, string frontEndId, long connectionId)
    {
        await _rebuild;
        if (!_clients.TryGetValue(clientId, out var slot))
        {
            return GroupHandover.None;
        }

        var previous = slot.Route ?? slot.LastRoute;
        foreach (var (route, before) in slot.RecentAttaches ?? [])
        {
            if (route.ConnectionId == connectionId && route.FrontEndId == frontEndId)
            {
                previous = before;
            }
        }

        if (previous is null || (previous.ConnectionId == connectionId && previous.FrontEndId == frontEndId))
        {
            return GroupHandover.None;
        }

        if (directory.IsGone(previous.FrontEndId))
        {
            return new GroupHandover(true, null);
        }

        try
        {
            return new GroupHandover(true, await previous.FrontEnd.ReleaseGroupsAsync(previous.ConnectionId).WaitAsync(_options.RebuildTimeout));
        }
        catch (Exception e)
        {
            LogGroupHandoverFailed(logger, UserId, clientId, previous.FrontEndId, e);
            return new GroupHandover(true, null);
        }
    }

    [LoggerMessage(EventId = 1142, Level = LogLevel.Warning, Message = "Front end {FrontEndId} did not say where the group pushes of client {ClientId} of user {UserId} stopped; its groups send their windows since its memberships began")]
    private static partial void LogGroupHandoverFailed(ILogger logger, string? userId, string clientId, string frontEndId, Exception exception);
}
