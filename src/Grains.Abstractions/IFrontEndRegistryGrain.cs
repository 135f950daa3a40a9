using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente;

/// <summary>
/// The cluster's list of live front ends. Each front end holds a lease and renews it;
/// an expired lease or an explicit goodbye removes the front end. There is one registry
/// (key 0); it is called per front end every few seconds, never per connection.
/// </summary>
[Alias("sente.IFrontEndRegistryGrain")]
public interface IFrontEndRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Registers or renews a front end's lease. Returns the lease period.</summary>
    [Alias("Renew")]
    Task<TimeSpan> RenewAsync(string frontEndId, IFrontEndObserver observer);

    /// <summary>A front end that stops says goodbye.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string frontEndId);

    /// <summary>The front ends whose leases are current.</summary>
    [Alias("GetLive")]
    Task<FrontEndSnapshot> GetLiveAsync();

    /// <summary>Front ends that left (lease expired or said goodbye) within the last while.</summary>
    [Alias("GetGone")]
    Task<ImmutableArray<string>> GetGoneAsync();

    /// <summary>Pushes an event to every connected client on every live front end.</summary>
    [Alias("Broadcast")]
    Task BroadcastAsync(SenteEvent @event, PushOptions? options = null);
}
