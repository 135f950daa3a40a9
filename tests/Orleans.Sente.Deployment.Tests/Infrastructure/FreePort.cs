using System.Net;
using System.Net.Sockets;

namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>Ports chosen at run time, so tests never collide with other work on the machine.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
