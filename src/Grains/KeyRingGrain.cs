using System.Collections.Immutable;

namespace Sente.Grains;

/// <summary>
/// The data-protection key ring shared by the front ends, kept in grain storage so that session
/// cookies stay readable after the loss of this grain's silo. Keys are written rarely (one every
/// 90 days by default) and read when a front end starts or refreshes its ring.
/// </summary>
internal sealed class KeyRingGrain(
    [PersistentState("keyring", SenteGrainStorage.ProviderName)] IPersistentState<KeyRingState> state) : Grain, IKeyRingGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        DelayDeactivation(TimeSpan.FromDays(365));
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> GetAllAsync() => Task.FromResult(state.State.Elements.Values.ToImmutableArray());

    public async Task StoreAsync(string friendlyName, string xml)
    {
        state.State.Elements[friendlyName] = xml;
        await state.WriteStateAsync();
    }
}

/// <summary>The key ring's stored form: key XML by friendly name.</summary>
[GenerateSerializer, Alias("sente.KeyRingState")]
internal sealed class KeyRingState
{
    [Id(0)]
    public Dictionary<string, string> Elements { get; set; } = [];
}
