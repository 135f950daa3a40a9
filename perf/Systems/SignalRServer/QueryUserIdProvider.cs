using Microsoft.AspNetCore.SignalR;

namespace Orleans.Sente.Bench.Systems.SignalR;

/// <summary>The user-id is the <c>uid</c> query parameter of the connection request.</summary>
internal sealed class QueryUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection) =>
        connection.GetHttpContext()?.Request.Query["uid"].ToString();
}
