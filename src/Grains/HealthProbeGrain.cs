using Orleans.Concurrency;

namespace Sente.Grains;

/// <summary>What a readiness check calls to prove that grains can be reached.</summary>
[Alias("sente.IHealthProbeGrain")]
internal interface IHealthProbeGrain : IGrainWithIntegerKey
{
    /// <summary>The address of the silo that answered.</summary>
    [Alias("Ping")]
    Task<string> PingAsync();
}

/// <summary>A stateless worker, so a silo's own probe is answered locally and never queues behind other work.</summary>
[StatelessWorker(1)]
internal sealed class HealthProbeGrain : Grain, IHealthProbeGrain
{
    public Task<string> PingAsync() => Task.FromResult(RuntimeIdentity);
}
