using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend.Demo;

/// <summary>
/// The demo chat served by the embedded default. Its contract: <c>POST /login</c> with form
/// field <c>user-id</c> starts a new session holding that uid and answers its CSRF token
/// (<c>POST /logout</c> likewise, with no uid; both refuse other sites); the page carries the CSRF token in
/// <c>&lt;meta name="csrf-token"&gt;</c>; <c>[:demo/echo x]</c> replies <c>x</c>;
/// <c>[:chat/send {:to uid :text s}]</c> pushes <c>[:chat/msg {:from sender :text s}]</c> to every
/// client of <c>uid</c>. Beyond the contract: the push is durable, so a recipient with no client
/// online finds it on their next connect, and the reply says so (<c>{:online false :inbox true}</c>
/// rather than <c>true</c>); <c>[:chat/broadcast {:text s}]</c> reaches every
/// connected client, <c>[:demo/online]</c> replies Sente's connected-uids, and presence changes
/// are pushed to every page as <c>[:demo/presence {:uid u :online bool}]</c>. The room
/// (<see cref="Room"/>): a page joins and leaves it with <c>[:sente/join-group "demo-room"]</c> and
/// <c>[:sente/leave-group ...]</c> (the group hook allows that group and no other), which make that
/// page (not its user's other tabs) a member; <c>[:room/post {:text s}]</c> pushes
/// <c>[:room/msg {:from sender :text s}]</c> to the room's member pages and replies
/// <c>{:members n}</c>, how many members the room had.
/// </summary>
public static class DemoEndpoints
{
    public const string CsrfSessionKey = SenteCsrf.SessionKey;

    /// <summary>The demo's one room: the group pages may join.</summary>
    public const string Room = "demo-room";

    public static IServiceCollection AddSenteDemo(this IServiceCollection services)
    {
        // Sessions (the uid and the CSRF token) live in the cluster, so any front end serves any request.
        return services.AddSenteSessions();
    }

    public static WebApplication MapSenteDemo(this WebApplication app)
    {
        app.MapGet("/", PageAsync);
        app.MapGet("/favicon.svg", DemoFavicon.Serve);
        app.MapGet("/favicon.ico", DemoFavicon.Serve);
        app.MapSenteClientScript();
        app.MapPost("/login", LoginAsync).DisableAntiforgery();
        app.MapPost("/logout", LogoutAsync).DisableAntiforgery();
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
            .On("room/post", PostToRoomAsync)
            .On("chsk/uidport-open", context => AnnouncePresenceAsync(context, online: true))
            .On("chsk/uidport-close", context => AnnouncePresenceAsync(context, online: false))
            .OnGroupRequest(request => ValueTask.FromResult(request.Group == Room));
        return app;
    }

    /// <summary>A post to the room: one push to the room's members, in the room's order; the reply says how many members it had.</summary>
    private static async Task PostToRoomAsync(SenteEventContext context)
    {
        var message = EdnMap.Of(("from", Uid(context.UserId)), ("text", context.Data["text"]));
        var result = await context.Grains.GetGroupGrain(Room).PushAsync(SenteEvent.Create("room/msg", message), PushOptions.Flushed);
        context.Reply(EdnMap.Of(("members", result.Members)));
    }

    /// <summary>Presence events run once in the cluster; the demo tells every page about them.</summary>
    private static Task AnnouncePresenceAsync(SenteEventContext context, bool online) =>
        context.Grains.GetFrontEndRegistry().BroadcastAsync(
            SenteEvent.Create("demo/presence", EdnMap.Of(("uid", Uid(context.UserId)), ("online", online))));

    private static EdnVector Uids(IEnumerable<string?> userIds) => new(System.Collections.Immutable.ImmutableArray.CreateRange(userIds.Select(Uid)));

    private static EdnValue Uid(string? userId) => userId is null ? Envelope.NilUid : new EdnString(userId);

    /// <summary>
    /// Sends a chat message as a durable push. Whether the recipient has a client online is asked
    /// first, for the sender's notice only: the push is the same either way (delivered now, or kept
    /// in the recipient's inbox until their next connect).
    /// </summary>
    private static async Task SendChatAsync(SenteEventContext context)
    {
        var to = context.Data["to"].AsString();
        if (to is null)
        {
            context.Reply(EdnMap.Of(("error", "chat/send needs {:to user-id :text s}")));
            return;
        }

        var recipient = context.Grains.GetUserGrain(to);
        var online = !(await recipient.GetClientIdsAsync()).IsEmpty;
        var message = EdnMap.Of(("from", context.UserId), ("text", context.Data["text"]));
        await recipient.PushAsync(SenteEvent.Create("chat/msg", message), PushOptions.DurablePush);
        context.Reply(online ? true : EdnMap.Of(("online", false), ("inbox", true)));
    }

    /// <summary>
    /// Logs in as form field <c>user-id</c>: a new session (id, cookie, CSRF token) holding the uid,
    /// so a session cookie planted before cannot ride on the login. Answers the new CSRF token (or
    /// redirects a plain HTML form to the page).
    /// </summary>
    private static async Task LoginAsync(HttpContext context)
    {
        if (!await FromThisSiteAsync(context))
        {
            return;
        }

        var userId = "";
        string? problem;
        try
        {
            userId = (await context.Request.ReadFormAsync())["user-id"].ToString().Trim();
            problem = userId.Length is 0 or > SenteKeys.MaxUserIdLength
                ? $"user-id must be 1 to {SenteKeys.MaxUserIdLength} characters"
                : userId.Any(char.IsControl) ? "user-id must not contain a control character" : null;
        }
        catch (InvalidDataException)
        {
            // The form reader itself refuses a NUL in any field, and forms over its limits.
            problem = "unreadable form (a control character, or over the form limits)";
        }

        if (problem is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync($"Bad request: {problem}.");
            return;
        }

        var token = await context.RenewSenteSessionAsync();
        context.Session.SetString(Hosting.SessionUid, userId);
        await AnswerAsync(context, token);
    }

    /// <summary>Logs out: a new, empty session with a new CSRF token, which it answers.</summary>
    private static async Task LogoutAsync(HttpContext context)
    {
        if (!await FromThisSiteAsync(context))
        {
            return;
        }

        await context.Session.LoadAsync();
        context.Session.Clear();
        await AnswerAsync(context, await context.RenewSenteSessionAsync());
    }

    private static async Task AnswerAsync(HttpContext context, string token)
    {
        // The session store is shared by the cluster and written asynchronously: commit before
        // answering, so a channel opened right after already sees the new session.
        await context.Session.CommitAsync();
        if (context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal))
        {
            context.Response.Redirect("/");
        }
        else
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(token);
        }
    }

    /// <summary>
    /// Login CSRF: a browser posting from another site says so in <c>Origin</c> (or, without it, in
    /// <c>Referer</c>); either must name this host (any port: cookies do not tell ports apart either)
    /// or one of <see cref="SenteOptions.AllowedOrigins"/>. A request with neither header is not
    /// from a browser page and passes. Answers 403 otherwise.
    /// </summary>
    private static async Task<bool> FromThisSiteAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var claimed = headers.Origin.ToString() is { Length: > 0 } origin ? origin : headers.Referer.ToString();
        if (claimed.Length == 0)
        {
            return true;
        }

        var allowed = context.RequestServices.GetRequiredService<IOptions<SenteOptions>>().Value.AllowedOrigins ?? [];
        if (Uri.TryCreate(claimed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && (string.Equals(uri.IdnHost, context.Request.Host.Host, StringComparison.OrdinalIgnoreCase)
                || (SenteRequestChecks.TryNormalizeOrigin(claimed, out var normalized)
                    && allowed.Any(a => SenteRequestChecks.TryNormalizeOrigin(a, out var n) && n == normalized))))
        {
            return true;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await context.Response.WriteAsync("Forbidden: the request comes from another origin.");
        return false;
    }

    private static async Task PageAsync(HttpContext context)
    {
        await context.Session.LoadAsync();
        var token = context.Session.GetString(CsrfSessionKey);
        if (token is null)
        {
            token = SenteCsrf.NewToken();
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
