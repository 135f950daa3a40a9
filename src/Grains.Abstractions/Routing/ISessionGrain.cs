using System.Collections.Immutable;

namespace Orleans.Sente.Routing;

/// <summary>
/// One entry of the front ends' shared session store (ASP.NET Core's distributed session):
/// the serialized session, with sliding and absolute expiry. Keyed by the session key, so a
/// request lands on any front end and finds the same session.
/// </summary>
[Alias("sente.ISessionGrain")]
internal interface ISessionGrain : IGrainWithStringKey
{
    /// <summary>The value, or null when absent or expired; reading slides the expiry.</summary>
    [Alias("Get")]
    Task<byte[]?> GetAsync();

    [Alias("Set")]
    Task SetAsync(byte[] value, SessionExpiry expiry);

    /// <summary>Slides the expiry without reading.</summary>
    [Alias("Refresh")]
    Task RefreshAsync();

    [Alias("Remove")]
    Task RemoveAsync();
}

/// <summary>When a session entry expires: absolute, sliding, both or neither.</summary>
[GenerateSerializer, Immutable, Alias("sente.SessionExpiry")]
internal sealed record SessionExpiry(
    [property: Id(0)] DateTimeOffset? AbsoluteUtc,
    [property: Id(1)] TimeSpan? Sliding);

/// <summary>
/// The data-protection key ring shared by every front end (key 0), so that a session cookie
/// protected by one front end is read by another.
/// </summary>
[Alias("sente.IKeyRingGrain")]
internal interface IKeyRingGrain : IGrainWithIntegerKey
{
    [Alias("GetAll")]
    Task<ImmutableArray<string>> GetAllAsync();

    /// <summary>Stores one key element (XML text) under its friendly name.</summary>
    [Alias("Store")]
    Task StoreAsync(string friendlyName, string xml);
}
