using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// The driver process: one push-control WebSocket to the system, N pushes in flight to
/// uniformly random users (or all to one named target, a group), saturating or paced. Prints <c>READY</c> once connected and pushes at
/// once; stdin <c>mark</c> zeroes the counters, <c>stop</c> stops issuing, drains the in-flight
/// pushes and prints <c>REPORT {json}</c>. Exits when stdin closes.
/// </summary>
internal static class DriverProgram
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(ArgMap args)
    {
        var options = DriverOptions.From(args);
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using (var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await socket.ConnectAsync(options.PushUrl, connectTimeout.Token);
        }

        var state = new DriverState(options.InFlight);
        using var stopIssuing = new CancellationTokenSource();
        var acks = ReadAcksAsync(socket, state);
        var issuing = IssueAsync(socket, options, state, stopIssuing.Token);
        Console.Out.WriteLine("READY");
        Console.Out.Flush();

        string? line;
        while ((line = await Console.In.ReadLineAsync()) is not null && line != "quit")
        {
            if (line == "mark")
            {
                state.Mark();
                Console.Out.WriteLine("MARKED");
            }
            else if (line == "stop")
            {
                await stopIssuing.CancelAsync();
                await issuing;
                await state.DrainAsync(DrainTimeout);
                Console.Out.WriteLine("REPORT " + JsonSerializer.Serialize(state.Report()));
            }

            Console.Out.Flush();
        }

        await stopIssuing.CancelAsync();
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }

        await Task.WhenAny(acks, Task.Delay(TimeSpan.FromSeconds(2)));
        return 0;
    }

    private static async Task IssueAsync(ClientWebSocket socket, DriverOptions options, DriverState state, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        var buffer = new byte[options.PayloadBytes + 128];
        var start = Stopwatch.GetTimestamp();
        long issued = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (options.Rate > 0)
                {
                    var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * options.Rate);
                    if (issued >= due)
                    {
                        await Task.Delay(1, ct);
                        continue;
                    }

                    // A stalled system must not be paid back later with a burst above the rate:
                    // the schedule forgives debt beyond one in-flight window.
                    if (due - issued > options.InFlight)
                    {
                        start += (long)((due - issued - options.InFlight) / options.Rate * Stopwatch.Frequency);
                    }
                }

                await state.Slots.WaitAsync(ct);
                var uid = options.Target ?? "u" + random.Next(options.Users);
                var length = PushFrame.Write(buffer, issued, uid, Stopwatch.GetTimestamp(), issued, options.PayloadBytes);
                state.OnSent();
                await socket.SendAsync(buffer.AsMemory(0, length), WebSocketMessageType.Text, true, ct);
                issued++;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException e)
        {
            state.OnError(e.Message);
        }
    }

    private static async Task ReadAcksAsync(ClientWebSocket socket, DriverState state)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var frame = buffer.AsSpan(0, result.Count);
                PushFrame.ParseAck(frame, out var failed);
                if (failed)
                {
                    state.OnError(Encoding.UTF8.GetString(frame));
                }

                state.OnAcked();
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException)
        {
            state.OnError(e.Message);
        }
    }
}
