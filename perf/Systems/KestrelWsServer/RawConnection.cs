using System.Net.WebSockets;

namespace Orleans.Sente.Bench.Systems.Kestrel;

/// <summary>One client socket; writes are serialised because a WebSocket allows one send at a time.</summary>
internal sealed class RawConnection(WebSocket socket)
{
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    public async Task SendAsync(ReadOnlyMemory<byte> payload)
    {
        await _sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            // The client is gone; its receive loop removes it from the index.
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Reads (and discards) until the client closes.</summary>
    public async Task ReceiveUntilClosedAsync(CancellationToken ct)
    {
        var buffer = new byte[256];
        try
        {
            while ((await socket.ReceiveAsync(buffer.AsMemory(), ct)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }
}
