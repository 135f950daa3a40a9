using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace Orleans.Sente.Bench.Systems.SignalR;

/// <summary>The receivers' hub; pushes reach them as <c>push(payload)</c> invocations.</summary>
internal sealed class PushHub : Hub
{
    /// <summary>The push path under test: <c>Clients.User(uid).SendAsync</c> with the payload as a JSON object.</summary>
    public static PushToUserAsync PushToUser(IServiceProvider services)
    {
        var hub = services.GetRequiredService<IHubContext<PushHub>>();
        return (uid, payload) => hub.Clients.User(uid).SendAsync("push", JsonSerializer.Deserialize<JsonElement>(payload.Span));
    }
}
