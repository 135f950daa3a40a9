using System.Diagnostics;
using System.Text.Json;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// The receiver process. Connects every client, prints <c>READY connected=N failed=M</c>,
/// then obeys stdin lines: <c>mark</c> (start a window), <c>report</c> (print
/// <c>REPORT {json}</c>), <c>quit</c>. Exits when stdin closes, so it never outlives the harness.
/// </summary>
internal static class ReceiverProgram
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(10);
    private const int ConnectAttempts = 3;
    private const int ReconnectAttempts = 40;

    /// <summary>A dropped receiver socket waits this much longer before each further attempt.</summary>
    private static readonly TimeSpan ReconnectBackoffStep = TimeSpan.FromMilliseconds(100);

    public static async Task<int> RunAsync(ArgMap args)
    {
        var options = ReceiverOptions.From(args);
        var stats = new DeliveryStats();
        using var cts = new CancellationTokenSource();
        var invokers = Enumerable.Range(0, Math.Max(1, options.SourceAddresses))
            .Select(i => SourceAddressConnector.CreateInvoker(
                options.SourceAddresses > 1 ? SourceAddressConnector.AddressFor(i, options.SourceAddresses) : null))
            .ToArray();
        var total = options.Users * options.ClientsPerUser;
        var clients = Enumerable.Range(0, total)
            .Select(i => new ReceiverClient(i, options, invokers[i % invokers.Length], stats))
            .ToArray();
        var counters = new ReceiverCounters();

        var connectTimes = new LogHistogram();
        var connecting = Stopwatch.GetTimestamp();
        using (var gate = new SemaphoreSlim(options.ConnectConcurrency))
        {
            await ConnectAllAsync(clients, options.ConnectRate, c => ConnectFirstAsync(c, gate, counters, connectTimes, cts.Token), cts.Token);
        }

        var span = Stopwatch.GetElapsedTime(connecting);
        var running = new List<Task>();
        foreach (var client in clients.Where(c => c.IsOpen))
        {
            running.Add(RunClientAsync(client, options, counters, cts.Token));
        }

        Console.Out.WriteLine(ConnectReport.ReadyLine(total - counters.Failed, counters.Failed, span, connectTimes.SnapshotAndReset()));
        Console.Out.Flush();
        var keepAlive = options.Protocol.KeepAliveMessage is { } ping
            ? KeepAliveLoopAsync(clients, ping, cts.Token)
            : Task.CompletedTask;

        string? line;
        while ((line = await Console.In.ReadLineAsync()) is not null && line != "quit")
        {
            switch (line)
            {
                case "mark":
                    stats.Mark();
                    Console.Out.WriteLine("MARKED");
                    break;
                case "report":
                    var (delivered, negative, histogram, mark, timeline) = stats.Snapshot();
                    var report = new ReceiverReport(
                        delivered, negative, clients.Count(c => c.IsOpen), counters.Failed,
                        counters.Disconnects, counters.Reconnects, histogram.Max, histogram.ToSparse(),
                        mark, DeliveryStats.TimelineBucketMs, timeline, counters.CloseReasons());
                    Console.Out.WriteLine("REPORT " + JsonSerializer.Serialize(report));
                    break;
            }

            Console.Out.Flush();
        }

        await cts.CancelAsync();
        await Task.WhenAny(Task.WhenAll(running.Append(keepAlive)), Task.Delay(TimeSpan.FromSeconds(5)));
        return 0;
    }

    /// <summary>
    /// Starts every client's connect: all at once (bounded by the concurrency gate) when
    /// <paramref name="rate"/> is 0, else <paramref name="rate"/> per second on a steady schedule.
    /// </summary>
    private static async Task ConnectAllAsync(ReceiverClient[] clients, double rate, Func<ReceiverClient, Task> connect, CancellationToken ct)
    {
        if (rate <= 0)
        {
            await Task.WhenAll(clients.Select(connect));
            return;
        }

        var connects = new List<Task>(clients.Length);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < clients.Length; i++)
        {
            var wait = TimeSpan.FromSeconds(i / rate) - Stopwatch.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }

            connects.Add(connect(clients[i]));
        }

        await Task.WhenAll(connects);
    }

    /// <summary>Connects one client (with a few retries); its time, from the first attempt to success, goes to <paramref name="times"/>.</summary>
    private static async Task ConnectFirstAsync(ReceiverClient client, SemaphoreSlim gate, ReceiverCounters counters, LogHistogram times, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.ConnectAsync(ct);
                    times.Record((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    return;
                }
                catch (Exception) when (attempt < ConnectAttempts && !ct.IsCancellationRequested)
                {
                    await Task.Delay(ReconnectBackoffStep * attempt, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    counters.AddFailed(e);
                    return;
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task RunClientAsync(ReceiverClient client, ReceiverOptions options, ReceiverCounters counters, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (await client.ReceiveUntilClosedAsync(ct) is { } reason)
            {
                counters.AddClose(reason);
            }

            if (ct.IsCancellationRequested || !options.Reconnect)
            {
                return;
            }

            counters.AddDisconnect();
            if (!await ReconnectAsync(client, ct))
            {
                return;
            }

            counters.AddReconnect();
        }
    }

    /// <summary>Like a real client library: retry with a short backoff, moving to the next front end.</summary>
    private static async Task<bool> ReconnectAsync(ReceiverClient client, CancellationToken ct)
    {
        for (var attempt = 0; attempt < ReconnectAttempts && !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                await Task.Delay(Random.Shared.Next(50, 250), ct);
                client.MoveToNextFrontEnd();
                await client.ConnectAsync(ct);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            catch (Exception)
            {
            }
        }

        return false;
    }

    private static async Task KeepAliveLoopAsync(ReceiverClient[] clients, byte[] ping, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(KeepAliveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                foreach (var client in clients)
                {
                    await client.KeepAliveAsync(ping, ct);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
