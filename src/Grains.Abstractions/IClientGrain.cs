using Orleans.Sente.Protocol;

namespace Orleans.Sente;

/// <summary>
/// One client (one browser tab) of one user, addressable on its own: a push to this tab only,
/// its socket's front-end routing (kept by the user grain, which front ends attach connections
/// to). Keyed by <see cref="SenteKeys.ClientKey"/>, so a client-id presented by two users names
/// two grains.
/// </summary>
[Alias("sente.IClientGrain")]
public interface IClientGrain : IGrainWithStringKey
{
    /// <summary>A connection of this client opened; the newest connection owns the client.</summary>
    [Alias("Connect")]
    Task ConnectAsync(ClientRoute route);

    /// <summary>
    /// An Ajax poll of this client landed on a front end that holds no session for it: takes the
    /// client over when the cluster still knows it (returns true; the poll parks), else connects
    /// it afresh and returns false (the poll is answered with a handshake).
    /// </summary>
    [Alias("Resume")]
    Task<bool> ResumeAsync(ClientRoute route);

    /// <summary>A connection of this client closed; ignored when a newer one owns the client.</summary>
    [Alias("Disconnect")]
    Task DisconnectAsync(string frontEndId, long connectionId);

    /// <summary>The route now, or null when the client is not connected.</summary>
    [Alias("GetRoute")]
    Task<ClientRoute?> GetRouteAsync();

    /// <summary>Pushes an event to this client only.</summary>
    [Alias("Push")]
    Task PushAsync(SenteEvent @event, PushOptions? options = null);
}
