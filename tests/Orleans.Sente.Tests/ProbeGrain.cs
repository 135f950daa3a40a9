using Orleans.Placement;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Tests;

/// <summary>A grain that pushes from wherever it is activated (the silo that first calls it).</summary>
[Alias("sente.tests.IProbeGrain")]
public interface IProbeGrain : IGrainWithGuidKey
{
    [Alias("Push")]
    Task<string> PushAsync(string userId, SenteEvent @event, PushOptions? options);

    [Alias("WhereIs")]
    Task<string> WhereIsUserAsync(string userId);
}

[PreferLocalPlacement]
internal sealed class ProbeGrain(IGrainFactory grains, ILocalSiloDetails silo) : Grain, IProbeGrain
{
    public async Task<string> PushAsync(string userId, SenteEvent @event, PushOptions? options)
    {
        await grains.GetUserGrain(userId).PushAsync(@event, options);
        return silo.SiloAddress.ToString();
    }

    public async Task<string> WhereIsUserAsync(string userId)
    {
        var management = grains.GetGrain<IManagementGrain>(0);
        var address = await management.GetActivationAddress(grains.GetUserGrain(userId));
        return address?.ToString() ?? "";
    }
}
