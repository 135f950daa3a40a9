using System.Diagnostics;
using System.Globalization;
using System.Text;
using Orleans.Sente.Grains;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Deployment.Tests;

public sealed partial class CrashTests
{
    /// <summary>What one scenario measured; <see cref="Row"/> is a line of the README's table.</summary>
    private sealed record Figures(
        long Acknowledged,
        long Refused,
        long RefusedDelivered,
        long Lost,
        long Duplicated,
        long Reordered,
        long PlainResent,
        long PlainUnexplained,
        string Row,
        string Detail);

    /// <summary>
    /// The numbered pushes to one user, one call at a time (so the acknowledged ones are accepted
    /// in their numbers' order): which calls returned (acknowledged) and which failed (refused).
    /// </summary>
    private sealed class UserStream(string user)
    {
        private readonly object _gate = new();
        private readonly List<long> _acknowledged = [];
        private readonly List<long> _refused = [];
        private long _attempted;

        public string User => user;

        /// <summary>The last number sent (its call may still run).</summary>
        public long Attempted => Volatile.Read(ref _attempted);

        public long LastAcknowledged
        {
            get
            {
                lock (_gate)
                {
                    return _acknowledged.Count == 0 ? 0 : _acknowledged[^1];
                }
            }
        }

        public (long[] Acknowledged, long[] Refused) Snapshot()
        {
            lock (_gate)
            {
                return ([.. _acknowledged], [.. _refused]);
            }
        }

        public async Task ProduceAsync(IGrainFactory grains, Stopwatch clock, CancellationToken stop)
        {
            var due = clock.Elapsed;
            for (var n = 1L; !stop.IsCancellationRequested; n++)
            {
                Volatile.Write(ref _attempted, n);
                bool acknowledged;
                try
                {
                    // Not cancelled by the stop: a call in flight ends as acknowledged or refused.
                    await grains.GetUserGrain(user).PushAsync(SenteEvent.Create(PushEvent, n)).WaitAsync(PushBound);
                    acknowledged = true;
                }
                catch (Exception)
                {
                    // The silo that held the grain died or hangs, or storage does: refused, not acknowledged.
                    acknowledged = false;
                }

                lock (_gate)
                {
                    (acknowledged ? _acknowledged : _refused).Add(n);
                }

                // The workload's pace; a slow call is not made up for with a burst.
                due += PushInterval;
                var wait = due - clock.Elapsed;
                if (wait <= TimeSpan.Zero)
                {
                    due = clock.Elapsed;
                    continue;
                }

                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// What one client received, with the time of each and the connection it came on (how many
    /// of the client's connections had closed before); a task per awaited number.
    /// </summary>
    private sealed class Receiver(Stopwatch clock)
    {
        private readonly object _gate = new();
        private readonly List<(long N, TimeSpan At, int Connection)> _received = [];
        private readonly List<(long Above, TaskCompletionSource Signal)> _waiters = [];
        private long _max;
        private int _closes;

        /// <summary>Connections of this client that closed (its front end died, for one).</summary>
        public int Closes => Volatile.Read(ref _closes);

        public void Closed() => Interlocked.Increment(ref _closes);

        public void Add(long n)
        {
            List<TaskCompletionSource>? done = null;
            lock (_gate)
            {
                _received.Add((n, clock.Elapsed, Volatile.Read(ref _closes)));
                _max = Math.Max(_max, n);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_max > _waiters[i].Above)
                    {
                        (done ??= []).Add(_waiters[i].Signal);
                        _waiters.RemoveAt(i);
                    }
                }
            }

            done?.ForEach(s => s.TrySetResult());
        }

        /// <summary>Completes once a push numbered above <paramref name="above"/> arrived.</summary>
        public Task WhenAbove(long above)
        {
            lock (_gate)
            {
                if (_max > above)
                {
                    return Task.CompletedTask;
                }

                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((above, signal));
                return signal.Task;
            }
        }

        public (long N, TimeSpan At, int Connection)[] Snapshot()
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    private sealed partial class CrashRun
    {
        /// <summary>
        /// Per client: acknowledged pushes of its user never received (lost), numbers received more
        /// than once (duplicated), acknowledged pushes received after a higher acknowledged one
        /// (reordered); per user, refused calls and those of them that arrived all the same.
        /// A plain client may see twice what the server re-sent from its replay window when it
        /// connected again (README, "Reliability"): its repeats are counted apart (re-sent), its
        /// order is that of first receipts, and a repeat is unexplained when it came on the
        /// connection of the first receipt, or when one connection repeated more pushes than the
        /// window holds.
        /// </summary>
        private Figures Compute()
        {
            var detail = new StringBuilder();
            long lost = 0, duplicated = 0, reordered = 0, refused = 0, refusedDelivered = 0, acknowledgedTotal = 0, due = 0;
            long plainResent = 0, plainUnexplained = 0;
            var silences = new List<TimeSpan>();
            var resumedAfterFault = TimeSpan.Zero;
            var resumedAfterRestore = TimeSpan.Zero;
            foreach (var stream in _streams.Values)
            {
                var (acknowledged, refusedCalls) = stream.Snapshot();
                acknowledgedTotal += acknowledged.Length;
                refused += refusedCalls.Length;
                var ackSet = acknowledged.ToHashSet();
                var refusedSet = refusedCalls.ToHashSet();
                foreach (var client in Clients.Where(c => c.User == stream.User))
                {
                    var received = client.Receiver.Snapshot();
                    var numbers = received.Select(r => r.N).ToList();
                    var distinct = numbers.ToHashSet();
                    var clientLost = acknowledged.Count(n => !distinct.Contains(n));
                    var repeats = numbers.Count - distinct.Count;
                    var clientDuplicated = client.Plain ? 0 : repeats;
                    var clientUnexplained = client.Plain ? UnexplainedRepeats(received) : 0;
                    var clientReordered = 0;
                    var highest = 0L;
                    var seen = new HashSet<long>();
                    foreach (var n in numbers.Where(n => ackSet.Contains(n) && (!client.Plain || seen.Add(n))))
                    {
                        if (n < highest)
                        {
                            clientReordered++;
                        }

                        highest = Math.Max(highest, n);
                    }

                    var clientRefusedDelivered = distinct.Count(refusedSet.Contains);
                    var silence = LongestSilence(received.Select(r => r.At));
                    var afterFault = FirstAfter(received, MarksAtFault[stream.User], _faultAt);
                    var afterRestore = FirstAfter(received, MarksAtRestore[stream.User], _restoredAt);
                    resumedAfterFault = TimeSpan.FromTicks(Math.Max(resumedAfterFault.Ticks, afterFault.Ticks));
                    resumedAfterRestore = TimeSpan.FromTicks(Math.Max(resumedAfterRestore.Ticks, afterRestore.Ticks));
                    silences.Add(silence);
                    due += acknowledged.Length;
                    lost += clientLost;
                    duplicated += clientDuplicated;
                    plainResent += client.Plain ? repeats : 0;
                    plainUnexplained += clientUnexplained;
                    reordered += clientReordered;
                    refusedDelivered += clientRefusedDelivered;
                    var twice = client.Plain
                        ? string.Create(CultureInfo.InvariantCulture, $"seen twice {repeats} (re-sent from the window; unexplained {clientUnexplained})")
                        : string.Create(CultureInfo.InvariantCulture, $"duplicated {clientDuplicated}");
                    detail.Append(CultureInfo.InvariantCulture,
                        $"  {client.Name}: received {numbers.Count}, lost {clientLost}, {twice}, reordered {clientReordered}, " +
                        $"refused but delivered {clientRefusedDelivered}, closes {client.Receiver.Closes}, longest silence {silence.TotalSeconds:F1} s, " +
                        $"first push sent after the fault {afterFault.TotalSeconds:F1} s after it");
                    if (clientLost > 0)
                    {
                        detail.Append(CultureInfo.InvariantCulture, $"; lost: {string.Join(",", acknowledged.Where(n => !distinct.Contains(n)).Take(40))}");
                    }

                    detail.AppendLine();
                }
            }

            var plain = Clients.Any(c => c.Plain);
            var plainSummary = plain ? string.Create(CultureInfo.InvariantCulture, $" (plain clients: {plainResent} seen twice, re-sent from the window, {plainUnexplained} unexplained)") : "";
            var plainRow = plain ? string.Create(CultureInfo.InvariantCulture, $" (plain clients: {plainResent} re-sent from the window, seen twice)") : "";
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"{scenario}: {acknowledgedTotal} pushes acknowledged ({due} deliveries due), {refused} refused ({refusedDelivered} deliveries of them all the same); " +
                $"lost {lost}, duplicated {duplicated}, reordered {reordered}{plainSummary}; every client had a push sent after the fault {resumedAfterFault.TotalSeconds:F1} s after it " +
                $"and one sent after the restore {resumedAfterRestore.TotalSeconds:F1} s after that; longest silence of a client {silences.Max().TotalSeconds:F1} s " +
                $"(median {silences.Order().ElementAt(silences.Count / 2).TotalSeconds:F1} s)");
            var row = string.Create(CultureInfo.InvariantCulture,
                $"| {scenario} | {acknowledgedTotal:N0} | {lost} / {duplicated} / {reordered}{plainRow} | {refused:N0} ({refusedDelivered} delivered) | " +
                $"{resumedAfterFault.TotalSeconds:F1} s | {resumedAfterRestore.TotalSeconds:F1} s | {silences.Max().TotalSeconds:F1} s |");
            return new Figures(acknowledgedTotal, refused, refusedDelivered, lost, duplicated, reordered, plainResent, plainUnexplained, row, summary + "\n" + detail);
        }

        /// <summary>
        /// A plain client's repeats that no replay window explains: a number received again on the
        /// connection that first brought it (the window is sent again only to a new connection),
        /// and, per connection, repeats past the window's count.
        /// </summary>
        private static long UnexplainedRepeats((long N, TimeSpan At, int Connection)[] received)
        {
            var first = new Dictionary<long, int>();
            var resentOn = new Dictionary<int, int>();
            long unexplained = 0;
            foreach (var (n, _, connection) in received)
            {
                if (!first.TryGetValue(n, out var firstConnection))
                {
                    first[n] = connection;
                }
                else if (connection == firstConnection)
                {
                    unexplained++;
                }
                else
                {
                    resentOn[connection] = resentOn.GetValueOrDefault(connection) + 1;
                }
            }

            return unexplained + resentOn.Values.Sum(r => Math.Max(0, r - SenteGrainOptions.DefaultReplayWindowLimit));
        }

        /// <summary>
        /// How long after <paramref name="since"/> the client received its first push numbered above
        /// <paramref name="mark"/> (the last number its user had been sent then): deliveries resumed.
        /// </summary>
        private static TimeSpan FirstAfter((long N, TimeSpan At, int Connection)[] received, long mark, TimeSpan since) =>
            received.Where(r => r.N > mark).Select(r => r.At - since).DefaultIfEmpty(TimeSpan.MaxValue).Min();

        /// <summary>The longest time from the fault, or from one delivery, to the next delivery, until the stream stopped.</summary>
        private TimeSpan LongestSilence(IEnumerable<TimeSpan> receivedAt)
        {
            var longest = TimeSpan.Zero;
            var last = _faultAt;
            foreach (var at in receivedAt.Where(a => a >= _faultAt).Order())
            {
                longest = TimeSpan.FromTicks(Math.Max(longest.Ticks, (at - last).Ticks));
                last = at;
            }

            return longest;
        }
    }
}
