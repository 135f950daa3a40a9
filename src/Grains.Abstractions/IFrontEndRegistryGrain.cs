using Orleans.Sente.Protocol;

namespace Orleans.Sente;

/// <summary>
/// The registry of the cluster's live front ends, as applications see it: the way to push to every
/// connected client (Sente's broadcast). There is one registry (key 0); get it with
/// <see cref="SenteGrainFactoryExtensions.GetFrontEndRegistry"/>. The leases that keep the list
/// are the front ends' own business and are not offered here.
/// </summary>
[Alias("sente.IFrontEndRegistryGrain")]
public interface IFrontEndRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Pushes an event to every connected client on every live front end.</summary>
    [Alias("Broadcast")]
    Task BroadcastAsync(SenteEvent @event, PushOptions? options = null);
}
