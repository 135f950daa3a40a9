using Orleans.Sente.Protocol;

namespace Orleans.Sente;

/// <summary>
/// One client (one browser tab) of one user, addressable on its own: a push to this tab only.
/// Keyed by <see cref="SenteKeys.ClientKey"/>, so a client-id presented by two users names two
/// grains. The client's route is kept by its user grain, which front ends attach connections to:
/// a connected client costs no activation of this grain.
/// </summary>
[Alias("sente.IClientGrain")]
public interface IClientGrain : IGrainWithStringKey
{
    /// <summary>Pushes an event to this client only.</summary>
    [Alias("Push")]
    Task PushAsync(SenteEvent @event, PushOptions? options = null);
}
