using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>The user-id is the <c>uid</c> query parameter of the request (as in the SignalR baseline).</summary>
internal static class QueryUserId
{
    public static ValueTask<string?> FromQuery(SenteRequest request) =>
        ValueTask.FromResult<string?>(request.HttpContext.Request.Query["uid"].ToString() is { Length: > 0 } uid ? uid : null);
}
