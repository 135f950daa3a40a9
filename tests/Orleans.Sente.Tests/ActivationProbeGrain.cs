namespace Orleans.Sente.Tests;

/// <summary>A grain that names its activation: a new name after a call means the previous activation was collected.</summary>
[Alias("sente.tests.IActivationProbeGrain")]
public interface IActivationProbeGrain : IGrainWithGuidKey
{
    [Alias("GetActivation")]
    Task<Guid> GetActivationAsync();
}

internal sealed class ActivationProbeGrain : Grain, IActivationProbeGrain
{
    private readonly Guid _activation = Guid.NewGuid();

    public Task<Guid> GetActivationAsync() => Task.FromResult(_activation);
}
