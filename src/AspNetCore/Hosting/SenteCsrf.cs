using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Orleans.Sente.AspNetCore;

/// <summary>Where the expected CSRF token comes from by default: the session, as in Sente.</summary>
public static class SenteCsrf
{
    /// <summary>The session key of the token (the one the page embeds for the client to send back).</summary>
    public const string SessionKey = "csrf-token";

    /// <summary>
    /// The session's <c>csrf-token</c>; null without a session or token (and then the request is
    /// refused). The session is shared by every front end (<c>AddSenteSessions</c>), so a page
    /// served by one front end opens a channel on another.
    /// </summary>
    public static async ValueTask<string?> SessionToken(HttpContext context)
    {
        if (context.Features.Get<ISessionFeature>()?.Session is not { } session)
        {
            return null;
        }

        await session.LoadAsync(context.RequestAborted);
        return session.GetString(SessionKey);
    }

    /// <summary>A new random token (192 bits, base64).</summary>
    internal static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}
