using System.Net;
using System.Net.Sockets;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// Spreads client sockets over loopback source addresses 127.0.0.2.. so that more than one
/// address's worth of ephemeral ports (about 28k) can connect to one server port.
/// </summary>
internal static class SourceAddressConnector
{
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24; // let connect() pick the port per 4-tuple

    public static HttpMessageInvoker CreateInvoker(IPAddress? source)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        if (source is not null)
        {
            handler.ConnectCallback = (context, ct) => ConnectFromAsync(source, context.DnsEndPoint, ct);
        }

        return new HttpMessageInvoker(handler);
    }

    public static IPAddress AddressFor(int clientIndex, int addressCount) =>
        new(new byte[] { 127, 0, 0, (byte)(2 + clientIndex % addressCount) });

    private static async ValueTask<Stream> ConnectFromAsync(IPAddress source, DnsEndPoint target, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(IPAddress.Parse(target.Host), target.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
