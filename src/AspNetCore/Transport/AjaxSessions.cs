using System.Collections.Concurrent;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// This front end's Ajax sessions by (user-id, client-id): the slot Sente keeps per
/// (transport, user-id, client-id). A poll that finds its session here parks without calling
/// the cluster. Sessions are also in the <see cref="ConnectionStore"/>, where grains reach them.
/// </summary>
internal sealed class AjaxSessions(ConnectionStore connections, GroupIndex groups, SenteMetrics metrics)
{
    private readonly ConcurrentDictionary<string, AjaxConnection> _byClient = new(StringComparer.Ordinal);

    public bool TryGet(string? userId, string clientId, out AjaxConnection session) =>
        _byClient.TryGetValue(SenteKeys.ClientKey(userId, clientId), out session!) && !session.IsClosed;

    /// <summary>Adds a new session; one it replaces stays reachable until its grain takes it over.</summary>
    public void Add(AjaxConnection session)
    {
        _byClient[SenteKeys.ClientKey(session.UserId, session.ClientId)] = session;
        connections.Add(session);
        metrics.Opened(SenteTransport.Ajax);
    }

    public void Remove(AjaxConnection session)
    {
        _byClient.TryRemove(new KeyValuePair<string, AjaxConnection>(SenteKeys.ClientKey(session.UserId, session.ClientId), session));
        if (connections.TryGet(session.Id, out var known) && ReferenceEquals(known, session))
        {
            connections.Remove(session);
            groups.Leave(session);
            metrics.Closed(SenteTransport.Ajax);
        }
    }
}
