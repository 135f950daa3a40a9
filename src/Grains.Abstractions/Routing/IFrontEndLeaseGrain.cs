using System.Collections.Immutable;

namespace Orleans.Sente.Routing;

/// <summary>
/// The front-end registry as front ends and silos use it: the cluster's list of live front ends.
/// Each front end holds a lease and renews it; an expired lease or an explicit goodbye removes the
/// front end. Served by the same grain as <see cref="IFrontEndRegistryGrain"/> (key 0), whose
/// application-facing side is the broadcast; it is called per front end every few seconds, never
/// per connection.
/// </summary>
[Alias("sente.IFrontEndLeaseGrain")]
internal interface IFrontEndLeaseGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers or renews a front end's lease. Returns the lease period, and whether the registry
    /// had counted this front end as gone (its lease had lapsed): the silos have parked its
    /// routes, so it must attach its connections again.
    /// </summary>
    [Alias("Renew")]
    Task<LeaseGrant> RenewAsync(string frontEndId, IFrontEndObserver observer);

    /// <summary>A front end that stops says goodbye.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string frontEndId);

    /// <summary>The front ends whose leases are current.</summary>
    [Alias("GetLive")]
    Task<FrontEndSnapshot> GetLiveAsync();

    /// <summary>Front ends that left (lease expired or said goodbye) within the last while.</summary>
    [Alias("GetGone")]
    Task<ImmutableArray<string>> GetGoneAsync();
}

/// <summary>A front end's renewed lease: how long it lasts, and whether the front end had been counted as gone.</summary>
[GenerateSerializer, Immutable, Alias("sente.LeaseGrant")]
internal sealed record LeaseGrant([property: Id(0)] TimeSpan Period, [property: Id(1)] bool WasGone);

/// <summary>A front end known to the cluster.</summary>
[GenerateSerializer, Immutable, Alias("sente.FrontEndLease")]
internal sealed record FrontEndLease(
    [property: Id(0)] string FrontEndId,
    [property: Id(1)] IFrontEndObserver Observer,
    [property: Id(2)] DateTime ExpiresUtc);

/// <summary>
/// The live front ends. <see cref="Settled"/> is false while the registry is younger than one
/// lease period (it re-activated after a silo loss and not every front end has renewed yet).
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.FrontEndSnapshot")]
internal sealed record FrontEndSnapshot(
    [property: Id(0)] ImmutableArray<FrontEndLease> Live,
    [property: Id(1)] bool Settled);

/// <summary>
/// Timings that silos and front ends must agree on. A front end whose lapsed lease is renewed
/// attaches its connections twice: now, and again once every silo's cached view of the registry
/// (refreshed every <see cref="DirectoryRefresh"/>) has seen it live, since a push in between may
/// park a route again through the stale view. Both sides read this one value.
/// </summary>
internal static class FrontEndTimings
{
    /// <summary>How often each silo refreshes its view of which front ends have gone: 2 s.</summary>
    public static readonly TimeSpan DirectoryRefresh = TimeSpan.FromSeconds(2);

    /// <summary>When a front end attaches its connections the second time: one refresh plus a margin for the refresh call itself.</summary>
    public static readonly TimeSpan ReattachAgainAfter = DirectoryRefresh + TimeSpan.FromMilliseconds(200);
}
