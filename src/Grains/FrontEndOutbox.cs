using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Orleans.Sente.Grains;

/// <summary>
/// Coalesces this silo's deliveries per front end: every user grain on the silo hands its
/// deliveries here, and one message per front end carries all that accumulated while the
/// previous one was being sent. Nothing waits on a timer: a send is queued at once, and
/// whatever arrives before it runs rides along. Under load many pushes share one message; when
/// idle each push travels alone, as fast as before.
/// </summary>
internal sealed class FrontEndOutbox
{
    /// <summary>Most deliveries in one message, so that one message stays a reasonable size.</summary>
    internal const int MaxBatch = 256;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public void Send(string frontEndId, IFrontEndObserver frontEnd, Delivery delivery)
    {
        var lane = _lanes.GetOrAdd(frontEndId, static (_, f) => new Lane(f), frontEnd);
        lane.Queue.Enqueue(delivery);
        if (Interlocked.CompareExchange(ref lane.Scheduled, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(static l => l.Flush(), lane, preferLocal: false);
        }
    }

    /// <summary>Drops the lanes of front ends that have left the cluster.</summary>
    public void Forget(IEnumerable<string> goneFrontEndIds)
    {
        foreach (var id in goneFrontEndIds)
        {
            _lanes.TryRemove(id, out _);
        }
    }

    private sealed class Lane(IFrontEndObserver frontEnd)
    {
        public readonly ConcurrentQueue<Delivery> Queue = new();
        public int Scheduled;

        public void Flush()
        {
            while (true)
            {
                var batch = ImmutableArray.CreateBuilder<Delivery>(Math.Min(Queue.Count, MaxBatch));
                while (batch.Count < MaxBatch && Queue.TryDequeue(out var delivery))
                {
                    batch.Add(delivery);
                }

                if (batch.Count > 0)
                {
                    // One-way: a dead front end never holds anyone up; its routes are parked by
                    // the user grains once the registry says it has gone.
                    frontEnd.DeliverManyAsync(batch.DrainToImmutable()).Ignore();
                }

                if (!Queue.IsEmpty)
                {
                    continue;
                }

                Volatile.Write(ref Scheduled, 0);

                // A delivery enqueued after the last look but before the flag was cleared would be
                // stranded: look once more, and keep the lane if one is there.
                if (Queue.IsEmpty || Interlocked.CompareExchange(ref Scheduled, 1, 0) != 0)
                {
                    return;
                }
            }
        }
    }
}
