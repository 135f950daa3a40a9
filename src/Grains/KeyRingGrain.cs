using System.Collections.Immutable;

namespace Orleans.Sente.Grains;

/// <summary>
/// The data-protection key ring shared by the front ends. Keys are written rarely (one every
/// 90 days by default) and read when a front end starts or refreshes its ring. In memory here;
/// a deployment that wants session cookies to survive a loss of this grain's silo persists it.
/// </summary>
internal sealed class KeyRingGrain : Grain, IKeyRingGrain
{
    private readonly Dictionary<string, string> _elements = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        DelayDeactivation(TimeSpan.FromDays(365));
        return Task.CompletedTask;
    }

    public Task<ImmutableArray<string>> GetAllAsync() => Task.FromResult(_elements.Values.ToImmutableArray());

    public Task StoreAsync(string friendlyName, string xml)
    {
        _elements[friendlyName] = xml;
        return Task.CompletedTask;
    }
}
