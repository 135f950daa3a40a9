using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Orleans.Sente;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;

// Orleans.Sente on standard ASP.NET Core authentication: a cookie signs the user in, the user-id is
// the principal's name identifier, ASP.NET Core antiforgery is the CSRF check, and only this site's
// own origin may open a channel.
var builder = WebApplication.CreateBuilder(args);
builder.AddSenteCluster();
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o => o.LoginPath = "/");
builder.Services.AddAuthorization();
builder.Services.AddAntiforgery(o => o.HeaderName = "X-CSRF-Token");   // the header Sente's clients send
builder.Services.AddSente(o =>
{
    o.UserIdFn = SenteUserIds.NameIdentifier;   // ClaimTypes.NameIdentifier of the signed-in user
    o.CsrfTokenFn = null;                       // antiforgery checks the token instead (RejectFn)
    o.RejectFn = CheckAntiforgeryAsync;
    o.AllowedOrigins = builder.Configuration.GetSection("AllowedOrigins").Get<string[]>() ?? ["http://localhost:5000"];
});

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapSenteClientScript();

app.MapGet("/", (HttpContext http, IAntiforgery antiforgery) => Results.Content(
    http.User.Identity?.IsAuthenticated is true
        ? $$"""
            <!doctype html><meta name="csrf-token" content="{{antiforgery.GetAndStoreTokens(http).RequestToken}}">
            <p>Signed in as {{WebUtility.HtmlEncode(http.User.FindFirstValue(ClaimTypes.NameIdentifier))}}.</p>
            <script type="module">
              import { createClient } from "/sente/sente-client.js";
              const chsk = createClient();
              chsk.on("chat/msg", ({ data }) => console.log("push", data));
              chsk.on("handshake", async () => console.log("reply", await chsk.request("demo/echo", "hi")));
            </script>
            """
        : """
            <!doctype html>
            <form method="post" action="/login"><input name="uid" placeholder="user-id"><button>Sign in</button></form>
            """,
    "text/html"));

// Signing in: a real application checks a password or an identity provider first.
app.MapPost("/login", async (HttpContext http) =>
{
    var uid = (await http.Request.ReadFormAsync())["uid"].ToString();
    var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, uid)], CookieAuthenticationDefaults.AuthenticationScheme);
    await http.SignInAsync(new ClaimsPrincipal(identity));
    return Results.Redirect("/");
});

app.MapSente("/chsk")
   .RequireAuthorization()
   .On("demo/echo", ctx => { ctx.Reply(ctx.Data); return Task.CompletedTask; })
   .On("chat/send", ctx => ctx.Grains.GetUserGrain(ctx.Data["to"].AsString()!)
        .PushAsync(SenteEvent.Create("chat/msg", EdnMap.Of(("from", ctx.UserId), ("text", ctx.Data["text"])))));
app.Run();

// ASP.NET Core antiforgery as the channel's CSRF check, on every request: polls and the WebSocket
// upgrade are GETs, which antiforgery's IsRequestValidAsync lets through unchecked, so this
// validates explicitly. A browser cannot set headers on a WebSocket upgrade: there the clients
// send the token as the csrf-token query parameter.
static async ValueTask<SenteRejection?> CheckAntiforgeryAsync(HttpContext http)
{
    if (http.Request.Query["csrf-token"].FirstOrDefault() is { Length: > 0 } token)
    {
        http.Request.Headers["X-CSRF-Token"] = token;
    }

    try
    {
        await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http);
        return null;
    }
    catch (AntiforgeryValidationException)
    {
        return SenteRejection.BadCsrf;
    }
}
