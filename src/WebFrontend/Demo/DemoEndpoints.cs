using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend.Demo;

/// <summary>
/// The demo chat served by the embedded default. Its contract: <c>POST /login</c> with form
/// field <c>user-id</c> sets the session's uid; the page carries the CSRF token in
/// <c>&lt;meta name="csrf-token"&gt;</c>; <c>[:demo/echo x]</c> replies <c>x</c>;
/// <c>[:chat/send {:to uid :text s}]</c> pushes <c>[:chat/msg {:from sender :text s}]</c> to every
/// client of <c>uid</c>. Beyond the contract: <c>[:chat/broadcast {:text s}]</c> reaches every
/// connected client, <c>[:demo/online]</c> replies Sente's connected-uids, and presence changes
/// are pushed to every page as <c>[:demo/presence {:uid u :online bool}]</c>.
/// </summary>
public static class DemoEndpoints
{
    public const string CsrfSessionKey = "csrf-token";

    public static IServiceCollection AddSenteDemo(this IServiceCollection services)
    {
        // Sessions (the uid and the CSRF token) live in the cluster, so any front end serves any request.
        return services.AddSenteSessions();
    }

    public static WebApplication MapSenteDemo(this WebApplication app)
    {
        app.MapGet("/", PageAsync);
        app.MapSenteClientScript();
        app.MapPost("/login", LoginAsync).DisableAntiforgery();
        app.MapPost("/logout", async context =>
        {
            await context.Session.LoadAsync();
            context.Session.Remove(Hosting.SessionUid);
            await context.Session.CommitAsync();
            context.Response.Redirect("/");
        });
        app.MapSente("/chsk")
            .On("demo/echo", context =>
            {
                context.Reply(context.Data);
                return Task.CompletedTask;
            })
            .On("chat/send", SendChatAsync)
            .On("chat/broadcast", context =>
            {
                var message = EdnMap.Of(("from", context.UserId), ("text", context.Data["text"]), ("broadcast", true));
                context.Reply(true);
                return context.Grains.GetFrontEndRegistry().BroadcastAsync(SenteEvent.Create("chat/msg", message));
            })
            .On("demo/online", async context =>
            {
                var uids = await context.Grains.GetConnectedUidsAsync();
                context.Reply(EdnMap.Of(("ws", Uids(uids.Ws)), ("ajax", Uids(uids.Ajax)), ("any", Uids(uids.Any))));
            })
            .On("chsk/uidport-open", context => AnnouncePresenceAsync(context, online: true))
            .On("chsk/uidport-close", context => AnnouncePresenceAsync(context, online: false));
        return app;
    }

    /// <summary>Presence events run once in the cluster; the demo tells every page about them.</summary>
    private static Task AnnouncePresenceAsync(SenteEventContext context, bool online) =>
        context.Grains.GetFrontEndRegistry().BroadcastAsync(
            SenteEvent.Create("demo/presence", EdnMap.Of(("uid", Uid(context.UserId)), ("online", online))));

    private static EdnVector Uids(IEnumerable<string?> userIds) => new(System.Collections.Immutable.ImmutableArray.CreateRange(userIds.Select(Uid)));

    private static EdnValue Uid(string? userId) => userId is null ? Envelope.NilUid : new EdnString(userId);

    private static Task SendChatAsync(SenteEventContext context)
    {
        var to = context.Data["to"].AsString();
        if (to is null)
        {
            context.Reply(EdnMap.Of(("error", "chat/send needs {:to user-id :text s}")));
            return Task.CompletedTask;
        }

        var message = EdnMap.Of(("from", context.UserId), ("text", context.Data["text"]));
        context.Reply(true);
        return context.Grains.GetUserGrain(to).PushAsync(SenteEvent.Create("chat/msg", message));
    }

    private static async Task LoginAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        var userId = form["user-id"].ToString().Trim();
        await context.Session.LoadAsync();
        if (userId.Length is 0 or > SenteKeys.MaxUserIdLength)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("Bad request: user-id must be 1 to 512 characters.");
            return;
        }

        context.Session.SetString(Hosting.SessionUid, userId);

        // The session store is shared by the cluster and written asynchronously: commit before
        // answering, so a channel opened right after the login already sees the new uid.
        await context.Session.CommitAsync();
        if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            context.Response.Redirect("/");
        }
        else
        {
            await context.Response.WriteAsync("ok");
        }
    }

    private static async Task PageAsync(HttpContext context)
    {
        await context.Session.LoadAsync();
        var token = context.Session.GetString(CsrfSessionKey);
        if (token is null)
        {
            token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
            context.Session.SetString(CsrfSessionKey, token);
            await context.Session.CommitAsync();
        }

        var uid = context.Session.GetString(Hosting.SessionUid);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(DemoPage.Render(token, uid));
    }

    private static class Hosting
    {
        public const string SessionUid = SenteUserIds.SessionUidKey;
    }
}
