using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Orleans.Sente.Bench.LoadGen;

namespace Orleans.Sente.Bench.Systems;

/// <summary>Pushes one payload to every client of a user; completes when the system accepted it.</summary>
internal delegate Task PushToUserAsync(string uid, ReadOnlyMemory<byte> payload);

/// <summary>
/// The benchmark's push-control WebSocket (format in <see cref="PushFrame"/>): every frame
/// from the driver becomes one push, run concurrently; its acknowledgement goes back when
/// the push completes, so the driver's in-flight window is the system's.
/// </summary>
internal static class PushControlEndpoint
{
    private const int FrameBufferSize = 4096;

    public static IEndpointConventionBuilder MapPushControl(
        this IEndpointRouteBuilder endpoints, string pattern, Func<IServiceProvider, PushToUserAsync> factory)
    {
        PushToUserAsync? push = null;
        return endpoints.Map(pattern, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            push ??= factory(context.RequestServices);
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await RunAsync(socket, push, context.RequestAborted);
        });
    }

    private static async Task RunAsync(WebSocket socket, PushToUserAsync push, CancellationToken ct)
    {
        var acks = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
        var writer = WriteAcksAsync(socket, acks.Reader, ct);
        var frame = new ArrayBufferWriter<byte>(FrameBufferSize);
        try
        {
            while (true)
            {
                var memory = frame.GetMemory(FrameBufferSize);
                var result = await socket.ReceiveAsync(memory, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                frame.Advance(result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (PushFrame.TryParse(frame.WrittenSpan, out var id, out var uid, out var payload))
                {
                    _ = PushAndAckAsync(push, id, uid, payload.ToArray(), acks.Writer);
                }

                frame.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
        finally
        {
            acks.Writer.TryComplete();
        }

        await writer;
    }

    private static async Task PushAndAckAsync(PushToUserAsync push, long id, string uid, byte[] payload, ChannelWriter<byte[]> acks)
    {
        string ack;
        try
        {
            await push(uid, payload);
            ack = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e)
        {
            ack = $"{id} !{e.GetType().Name}: {e.Message}";
        }

        acks.TryWrite(Encoding.UTF8.GetBytes(ack));
    }

    private static async Task WriteAcksAsync(WebSocket socket, ChannelReader<byte[]> acks, CancellationToken ct)
    {
        try
        {
            await foreach (var ack in acks.ReadAllAsync(ct))
            {
                await socket.SendAsync(ack, WebSocketMessageType.Text, true, ct);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }
}
