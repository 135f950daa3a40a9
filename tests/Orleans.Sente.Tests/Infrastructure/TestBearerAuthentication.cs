using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core authentication scheme for the tests: a bearer token <c>user:ID</c> from the
/// <c>Authorization</c> header or, on the Sente path only, from the <c>access_token</c> query
/// parameter (as docs/authentication.md tells an application to read it for WebSocket upgrades),
/// signs in the principal whose name identifier is <c>ID</c>. Any other token fails.
/// </summary>
internal sealed class TestBearerHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "TestBearer";
    public const string TokenPrefix = "user:";

    public static string TokenOf(string nameIdentifier) => TokenPrefix + nameIdentifier;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = null;
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header["Bearer ".Length..];
        }
        else if (Request.Path.StartsWithSegments("/chsk") && Request.Query["access_token"].FirstOrDefault() is { Length: > 0 } query)
        {
            token = query;
        }

        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length == TokenPrefix.Length)
        {
            return Task.FromResult(AuthenticateResult.Fail("Unknown token."));
        }

        var id = token[TokenPrefix.Length..];
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Name, "name of " + id)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
