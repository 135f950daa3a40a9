using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Routing;

namespace Orleans.Sente.Grains;

/// <summary>
/// Coalesces this silo's deliveries per front end: every user grain on the silo hands its
/// deliveries here, and one message per front end carries all that accumulated while the
/// previous one was being sent. Nothing waits on a timer: a send is queued at once, and
/// whatever arrives before it runs rides along. Under load many pushes share one message; when
/// idle each push travels alone, as fast as before. When traced, each delivery carries the context
/// of its own <c>sente.fanout</c> span, which ends once the message carrying it is sent.
/// </summary>
/// <remarks>
/// Sends are one-way, so a dead front end costs nothing here; a send that fails at once (the
/// message could not be serialized or addressed) is logged with its front end and push count,
/// never dropped silently.
/// </remarks>
internal sealed partial class FrontEndOutbox(ILogger<FrontEndOutbox> logger)
{
    /// <summary>Most deliveries in one message, so that one message stays a reasonable size.</summary>
    internal const int MaxBatch = 256;

    private readonly ConcurrentDictionary<string, Lane> _lanes = new(StringComparer.Ordinal);

    public void Send(string frontEndId, IFrontEndObserver frontEnd, Delivery delivery)
    {
        var lane = _lanes.GetOrAdd(frontEndId, static (id, state) => new Lane(id, state.frontEnd, state.logger), (frontEnd, logger));
        var fanOut = SenteActivities.StartFanOut(frontEndId, delivery.ConnectionIds.Length);
        lane.Queue.Enqueue(new Pending(fanOut is null ? delivery : delivery with { TraceParent = fanOut.Id }, fanOut));
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

    /// <summary>A delivery waiting for its lane's next message, with its fan-out span when traced.</summary>
    private readonly record struct Pending(Delivery Delivery, Activity? FanOut);

    private sealed class Lane(string frontEndId, IFrontEndObserver frontEnd, ILogger logger)
    {
        public readonly ConcurrentQueue<Pending> Queue = new();
        public int Scheduled;

        public void Flush()
        {
            while (true)
            {
                var batch = ImmutableArray.CreateBuilder<Delivery>(Math.Min(Queue.Count, MaxBatch));
                List<Activity>? fanOuts = null;
                while (batch.Count < MaxBatch && Queue.TryDequeue(out var pending))
                {
                    batch.Add(pending.Delivery);
                    if (pending.FanOut is { } fanOut)
                    {
                        (fanOuts ??= []).Add(fanOut);
                    }
                }

                if (batch.Count > 0)
                {
                    // One-way: a dead front end never holds anyone up; its routes are parked by
                    // the user grains once the registry says it has gone. The message itself is
                    // traced under its first traced push (each delivery still carries its own).
                    var count = batch.Count;
                    Activity.Current = fanOuts?[0];
                    var sent = frontEnd.DeliverManyAsync(batch.DrainToImmutable());
                    Activity.Current = null;
                    fanOuts?.ForEach(static a => a.Stop());
                    if (!sent.IsCompletedSuccessfully)
                    {
                        sent.ContinueWith(
                            static (t, state) =>
                            {
                                var (log, id, pushes) = ((ILogger, string, int))state!;
                                LogSendFailed(log, id, pushes, t.Exception!.GetBaseException());
                            },
                            (logger, frontEndId, count),
                            CancellationToken.None,
                            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                            TaskScheduler.Default);
                    }
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

    [LoggerMessage(EventId = 1174, Level = LogLevel.Warning, Message = "Could not send {Count} deliveries to front end {FrontEndId}")]
    private static partial void LogSendFailed(ILogger logger, string frontEndId, int count, Exception exception);
}
