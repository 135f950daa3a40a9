namespace Orleans.Sente.Bench.Systems.Kestrel;

/// <summary><c>GET /ws?uid=&lt;user-id&gt;</c> with Upgrade: registers the socket under its user until it closes.</summary>
internal static class RawSocketEndpoint
{
    public static async Task HandleAsync(HttpContext context)
    {
        var uid = context.Request.Query["uid"].ToString();
        if (!context.WebSockets.IsWebSocketRequest || uid.Length == 0)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var index = context.RequestServices.GetRequiredService<SocketIndex>();
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new RawConnection(socket);
        index.Add(uid, connection);
        try
        {
            await connection.ReceiveUntilClosedAsync(context.RequestAborted);
        }
        finally
        {
            index.Remove(uid, connection);
        }
    }
}
