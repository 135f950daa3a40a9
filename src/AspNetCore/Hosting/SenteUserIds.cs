using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Ready-made user-id functions: the three ways of relating clients to users that Sente
/// describes, and the principal's name identifier, each a one-line configuration
/// (<c>o.UserIdFn = SenteUserIds.PerTab</c>).
/// </summary>
public static class SenteUserIds
{
    /// <summary>The session key the default function reads (Sente's <c>(get-in req [:session :uid])</c>).</summary>
    public const string SessionUidKey = "uid";

    /// <summary>The session key <see cref="BaseUserIdPerTab"/> reads.</summary>
    public const string BaseUserIdKey = "base-user-id";

    /// <summary>
    /// Default: the session's <c>uid</c>. Every tab of one logged-in browser shares it;
    /// no session (or no uid in it) means nil-uid.
    /// </summary>
    public static async ValueTask<string?> SessionUid(SenteRequest request) =>
        await ReadSessionAsync(request.HttpContext, SessionUidKey);

    /// <summary>Each tab is its own user: the user-id is the client-id. Sessions are not used.</summary>
    public static ValueTask<string?> PerTab(SenteRequest request) => ValueTask.FromResult<string?>(request.ClientId);

    /// <summary>
    /// Each tab is its own user, but only for a signed-in session:
    /// <c>{session base-user-id}/{client-id}</c>, or nil-uid without a base user-id.
    /// </summary>
    public static async ValueTask<string?> BaseUserIdPerTab(SenteRequest request) =>
        await ReadSessionAsync(request.HttpContext, BaseUserIdKey) is { } baseUserId
            ? baseUserId + "/" + request.ClientId
            : null;

    /// <summary>
    /// The authenticated principal's name identifier claim (<see cref="ClaimTypes.NameIdentifier"/>),
    /// as SignalR's default user-id provider reads it: every client of one signed-in user shares
    /// it; no principal (or no such claim) means nil-uid. Needs an authentication scheme
    /// (<c>app.UseAuthentication()</c>); for a bearer token on the WebSocket upgrade, see
    /// <c>docs/authentication.md</c>.
    /// </summary>
    public static ValueTask<string?> NameIdentifier(SenteRequest request) =>
        ValueTask.FromResult(request.HttpContext.User.FindFirst(ClaimTypes.NameIdentifier)?.Value);

    private static async ValueTask<string?> ReadSessionAsync(HttpContext context, string key)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.ISessionFeature>()?.Session is not { } session)
        {
            return null;
        }

        await session.LoadAsync(context.RequestAborted);
        return session.GetString(key);
    }
}
