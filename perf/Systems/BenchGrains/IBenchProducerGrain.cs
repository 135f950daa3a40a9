using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>
/// A producer inside the cluster: an application grain that pushes. The push gateway hands it
/// batches of pushes; for each, it calls <c>GetUserGrain(uid).PushAsync</c> from the silo, as a
/// grain of the application would. A stateless worker, so each silo runs its own.
/// </summary>
[Alias("bench.IBenchProducerGrain")]
public interface IBenchProducerGrain : IGrainWithIntegerKey
{
    /// <summary>Pushes each event to its user; completes when every user grain accepted its push (or failed).</summary>
    [Alias("PushBatch")]
    Task<BenchBatchResult> PushBatchAsync(ImmutableArray<ProducedPush> pushes, PushOptions? options);
}

/// <summary>One push of a batch: the user and the event.</summary>
[GenerateSerializer, Immutable, Alias("bench.ProducedPush")]
public sealed record ProducedPush([property: Id(0)] string UserId, [property: Id(1)] SenteEvent Event);

/// <summary>The positions in the batch whose push failed, and the first failure's message.</summary>
[GenerateSerializer, Immutable, Alias("bench.BenchBatchResult")]
public sealed record BenchBatchResult([property: Id(0)] ImmutableArray<int> Failed, [property: Id(1)] string? FirstError)
{
    public static BenchBatchResult AllAccepted { get; } = new([], null);
}
