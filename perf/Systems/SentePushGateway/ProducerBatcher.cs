using System.Collections.Immutable;
using System.Threading.Channels;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>
/// Hands pushes to the producer grains in the silos (<see cref="IBenchProducerGrain"/>) in batches:
/// at most <c>--batches-in-flight</c> batches are out at once, and a batch takes every push that
/// waited meanwhile (up to <see cref="MaxBatch"/>), so with the driver's 64 pushes in flight a batch
/// carries several. Each push completes when its batch did. Batches go round
/// <see cref="ProducerKeys"/> keys, which the client spreads over the silos' gateways.
/// </summary>
internal sealed class ProducerBatcher
{
    public const int MaxBatch = 64;
    public const int DefaultBatchesInFlight = 4;
    public const int ProducerKeys = 8;

    private readonly IGrainFactory _grains;
    private readonly PushOptions? _options;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _batches;
    private long _sent;

    public ProducerBatcher(IGrainFactory grains, IConfiguration configuration)
    {
        _grains = grains;
        _options = configuration.GetValue("flush", false) ? PushOptions.Flushed : null;
        _batches = new SemaphoreSlim(configuration.GetValue("batches-in-flight", DefaultBatchesInFlight));
        _ = Task.Run(SendLoopAsync);
    }

    public Task PushAsync(string uid, ReadOnlyMemory<byte> payload)
    {
        var pending = new Pending(new ProducedPush(uid, BenchPush.Event(payload)), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending.Writer.TryWrite(pending);
        return pending.Done.Task;
    }

    private async Task SendLoopAsync()
    {
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync())
        {
            await _batches.WaitAsync();
            var batch = new List<Pending>(MaxBatch);
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            _ = SendAsync(batch);
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        try
        {
            var producer = _grains.GetGrain<IBenchProducerGrain>(Interlocked.Increment(ref _sent) % ProducerKeys);
            var result = await producer.PushBatchAsync([.. batch.Select(p => p.Push)], _options);
            var failed = result.Failed.ToHashSet();
            for (var i = 0; i < batch.Count; i++)
            {
                if (failed.Contains(i))
                {
                    batch[i].Done.TrySetException(new InvalidOperationException(result.FirstError ?? "push failed"));
                }
                else
                {
                    batch[i].Done.TrySetResult();
                }
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(e);
            }
        }
        finally
        {
            _batches.Release();
        }
    }

    private sealed record Pending(ProducedPush Push, TaskCompletionSource Done);
}
