using System.Net;
using System.Net.Sockets;

namespace Orleans.Sente.Bench.Processes;

/// <summary>Loopback ports that were free a moment ago (the kernel picks them).</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
