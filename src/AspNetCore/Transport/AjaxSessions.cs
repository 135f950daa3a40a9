using System.Collections.Concurrent;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// This front end's Ajax sessions by (user-id, client-id): the slot Sente keeps per
/// (transport, user-id, client-id). A poll that finds its session here parks without calling
/// the cluster. Sessions are also among the <see cref="FrontEndConnections"/>, where grains reach
/// them; this index only finds a client's session.
/// </summary>
internal sealed class AjaxSessions
{
    private readonly ConcurrentDictionary<string, AjaxConnection> _byClient = new(StringComparer.Ordinal);

    public bool TryGet(string? userId, string clientId, out AjaxConnection session) =>
        _byClient.TryGetValue(SenteKeys.ClientKey(userId, clientId), out session!) && !session.IsClosed;

    /// <summary>Indexes a new session; one it replaces stays open until its grain takes it over.</summary>
    public void Add(AjaxConnection session) =>
        _byClient[SenteKeys.ClientKey(session.UserId, session.ClientId)] = session;

    /// <summary>Takes an ended session out of the index, unless a newer session of its client replaced it there.</summary>
    public void Remove(AjaxConnection session) =>
        _byClient.TryRemove(new KeyValuePair<string, AjaxConnection>(SenteKeys.ClientKey(session.UserId, session.ClientId), session));
}
