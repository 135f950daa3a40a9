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
/// Each message is acknowledged, and one is on the way per front end at a time: a message lost on
/// the way (its route ran through a silo that died before the cluster declared it dead) or refused
/// is sent again, with what followed it waiting behind, until it is taken or the front end leaves
/// the cluster (<see cref="Forget"/>); a push that arrives twice is dropped by the front end's
/// per-connection sequence numbers. Every failed attempt is logged with its front end and push count.
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
            ThreadPool.UnsafeQueueUserWorkItem(static l => _ = l.FlushAsync(), lane, preferLocal: false);
        }
    }

    /// <summary>Drops the lanes of front ends that have left the cluster.</summary>
    public void Forget(IEnumerable<string> goneFrontEndIds)
    {
        foreach (var id in goneFrontEndIds)
        {
            if (_lanes.TryRemove(id, out var lane))
            {
                lane.Forgotten = true;
            }
        }
    }

    /// <summary>A delivery waiting for its lane's next message, with its fan-out span when traced.</summary>
    private readonly record struct Pending(Delivery Delivery, Activity? FanOut);

    private sealed class Lane(string frontEndId, IFrontEndObserver frontEnd, ILogger logger)
    {
        public readonly ConcurrentQueue<Pending> Queue = new();
        public int Scheduled;
        public volatile bool Forgotten;

        public async Task FlushAsync()
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
                    // The message is traced under its first traced push (each delivery still
                    // carries its own).
                    await SendAsync(batch.DrainToImmutable(), fanOuts?[0]);
                    fanOuts?.ForEach(static a => a.Stop());
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

        /// <summary>Sends until the front end takes the message or has left the cluster.</summary>
        private async Task SendAsync(ImmutableArray<Delivery> deliveries, Activity? traced)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    Activity.Current = traced;
                    var sent = frontEnd.DeliverManyAsync(deliveries);
                    Activity.Current = null;
                    await sent.WaitAsync(SendTimeout);
                    return;
                }
                catch (Exception e)
                {
                    Activity.Current = null;
                    if (Forgotten)
                    {
                        LogDroppedWithFrontEnd(logger, frontEndId, deliveries.Length);
                        return;
                    }

                    LogSendFailed(logger, frontEndId, deliveries.Length, attempt, e);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * attempt)));
                }
            }
        }
    }

    /// <summary>How long a message may go unanswered before it is sent again.</summary>
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);

    [LoggerMessage(EventId = 1174, Level = LogLevel.Warning, Message = "Could not send {Count} deliveries to front end {FrontEndId} (attempt {Attempt}); sending again")]
    private static partial void LogSendFailed(ILogger logger, string frontEndId, int count, int attempt, Exception exception);

    [LoggerMessage(EventId = 1170, Level = LogLevel.Information, Message = "Dropped {Count} deliveries to front end {FrontEndId}, which has left the cluster (its clients get them from their replay windows when they reconnect)")]
    private static partial void LogDroppedWithFrontEnd(ILogger logger, string frontEndId, int count);
}
