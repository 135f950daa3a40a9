using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>
/// The producer inside the cluster (scenario S7): each push of a batch is
/// <c>GetUserGrain(uid).PushAsync</c>, called from this silo, all of a batch at once. A call goes
/// straight to the user grain's silo, without the hop through a gateway that a push from an Orleans
/// client takes.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class BenchProducerGrain : Grain, IBenchProducerGrain
{
    public async Task<BenchBatchResult> PushBatchAsync(ImmutableArray<ProducedPush> pushes, PushOptions? options)
    {
        var calls = new Task[pushes.Length];
        for (var i = 0; i < pushes.Length; i++)
        {
            calls[i] = GrainFactory.GetUserGrain(pushes[i].UserId).PushAsync(pushes[i].Event, options);
        }

        try
        {
            await Task.WhenAll(calls);
            return BenchBatchResult.AllAccepted;
        }
        catch (Exception)
        {
            var failed = Enumerable.Range(0, calls.Length).Where(i => calls[i].IsFaulted).ToImmutableArray();
            return new BenchBatchResult(failed, calls[failed[0]].Exception?.GetBaseException().Message);
        }
    }
}
