using System.Text.Json;
using Microsoft.AspNetCore.SignalR;

namespace Orleans.Sente.Bench.Systems.SignalR;

/// <summary>
/// The receivers' hub; pushes reach them as <c>push(payload)</c> invocations. A connection whose
/// request carries <c>group=NAME</c> joins that group as it connects (<c>Groups.AddToGroupAsync</c>;
/// with the Redis backplane the server subscribes to the group's channel).
/// </summary>
internal sealed class PushHub : Hub
{
    /// <summary>
    /// The push path under test: <c>Clients.User(uid).SendAsync</c>, or with <c>--push-to group</c>
    /// <c>Clients.Group(name).SendAsync</c>, with the payload as a JSON object.
    /// </summary>
    public static PushToUserAsync PushToUser(IServiceProvider services)
    {
        var hub = services.GetRequiredService<IHubContext<PushHub>>();
        return services.GetRequiredService<IConfiguration>()["push-to"] == "group"
            ? (group, payload) => hub.Clients.Group(group).SendAsync("push", JsonSerializer.Deserialize<JsonElement>(payload.Span))
            : (uid, payload) => hub.Clients.User(uid).SendAsync("push", JsonSerializer.Deserialize<JsonElement>(payload.Span));
    }

    public override async Task OnConnectedAsync()
    {
        if (Context.GetHttpContext()?.Request.Query["group"].ToString() is { Length: > 0 } group)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group);
        }

        await base.OnConnectedAsync();
    }
}
