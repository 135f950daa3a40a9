using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// The data-protection key ring in the cluster (<see cref="IKeyRingGrain"/>), so that every front
/// end protects and reads session cookies with the same keys. The interface is synchronous; it is
/// called when a front end first needs its key ring and when it refreshes it (rarely).
/// </summary>
internal sealed class GrainXmlRepository(IGrainFactory grains) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. KeyRing.GetAllAsync().GetAwaiter().GetResult().Select(x => XElement.Parse(x))];

    public void StoreElement(XElement element, string friendlyName) =>
        KeyRing.StoreAsync(friendlyName, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();

    private IKeyRingGrain KeyRing => grains.GetGrain<IKeyRingGrain>(0);
}
