using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Sente's checks on every request to the channel path (Ajax GET and POST, WebSocket upgrade),
/// in Sente's order: the application's <c>RejectFn</c>; the CSRF token; the origin; the
/// application's <c>AuthorizedFn</c>. The first that fails decides the answer.
/// </summary>
internal sealed class SenteRequestChecks(IOptions<SenteOptions> options)
{
    /// <summary>The <see cref="SenteOptions.AllowedOrigins"/> entry that allows every origin on purpose.</summary>
    internal const string AnyOrigin = "*";

    private readonly SenteOptions _options = options.Value;
    private readonly HashSet<string>? _origins = options.Value.AllowedOrigins is { } allowed && !allowed.Contains(AnyOrigin)
        ? allowed.Select(o => TryNormalizeOrigin(o, out var n) ? n : o).ToHashSet(StringComparer.Ordinal)
        : null;

    /// <summary>The rejection and a short reason for the metrics, or null when the request may go on.</summary>
    public async ValueTask<(SenteRejection Rejection, string Reason)?> CheckAsync(HttpContext context, IFormCollection? form)
    {
        if (_options.RejectFn is { } rejectFn && await rejectFn(context) is { } rejection)
        {
            return (rejection, "rejected-by-app");
        }

        if (_options.CsrfTokenFn is { } csrfTokenFn && !TokenMatches(await csrfTokenFn(context), ClientToken(context, form)))
        {
            return (_options.BadCsrfRejection, "bad-csrf");
        }

        if (_origins is not null && !OriginAllowed(context.Request.Headers))
        {
            return (_options.BadOriginRejection, "bad-origin");
        }

        if (_options.AuthorizedFn is { } authorizedFn && !await authorizedFn(context))
        {
            return (_options.UnauthorizedRejection, "unauthorized");
        }

        return null;
    }

    /// <summary>
    /// <c>scheme://host[:port]</c> in lower case with the default port left out, or false when
    /// <paramref name="text"/> is not an absolute http(s)/ws(s) URL. Comparing these whole strings
    /// is what keeps <c>http://site.com.evil.com</c> from passing for <c>http://site.com</c>.
    /// </summary>
    internal static bool TryNormalizeOrigin(string? text, out string origin)
    {
        origin = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ws" or "wss")
            || string.IsNullOrEmpty(uri.Host) || uri.UserInfo.Length > 0)
        {
            return false;
        }

        origin = uri.IsDefaultPort ? $"{uri.Scheme}://{uri.IdnHost}" : $"{uri.Scheme}://{uri.IdnHost}:{uri.Port}";
        origin = origin.ToLowerInvariant();
        return true;
    }

    /// <summary>The <c>Origin</c> header must be one of the allowed origins; without one, the <c>Referer</c>'s origin must be.</summary>
    private bool OriginAllowed(IHeaderDictionary headers)
    {
        var origin = headers.Origin.ToString();
        if (origin.Length > 0)
        {
            return TryNormalizeOrigin(origin, out var normalized) && _origins!.Contains(normalized);
        }

        // A Referer counts only as a whole origin followed by '/', as Sente's prefix match of
        // "origin/" does; its path is ignored.
        var referer = headers.Referer.ToString();
        return TryNormalizeOrigin(referer, out var refererOrigin)
            && referer.Length > refererOrigin.Length
            && _origins!.Contains(refererOrigin)
            && referer.StartsWith(refererOrigin + "/", StringComparison.OrdinalIgnoreCase);
    }

    private static string? ClientToken(HttpContext context, IFormCollection? form)
    {
        var request = context.Request;
        string? token = request.Query["csrf-token"];
        if (string.IsNullOrEmpty(token) && form is not null)
        {
            token = form["csrf-token"];
        }

        if (string.IsNullOrEmpty(token))
        {
            token = request.Headers["X-CSRF-Token"];
        }

        if (string.IsNullOrEmpty(token))
        {
            token = request.Headers["X-XSRF-Token"];
        }

        return string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>Both present and equal, compared in constant time so the comparison leaks no prefix.</summary>
    private static bool TokenMatches(string? expected, string? presented) =>
        !string.IsNullOrEmpty(expected) && presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}
