using Orleans.Sente;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;

var builder = WebApplication.CreateBuilder(args);
builder.AddSenteCluster();                 // embedded silo by default; Sente:Cluster:Mode=Client for a pure client
builder.Services.AddSenteSessions();       // sessions shared by every front end: the user-id and the CSRF token live there
builder.Services.AddSente(o =>             // Sente's options, PascalCase, Sente's defaults
{
    o.UserIdFn = SenteUserIds.SessionUid;  // user-id-fn: the session's "uid"
    o.HandshakeDataFn = r => EdnMap.Of(("server", "s1"));
});
var app = builder.Build();
app.UseSession();
app.MapSenteClientScript();                // the browser client, at /sente/sente-client.js

// The page carries the session's CSRF token; every channel request must send it back.
app.MapGet("/", async (HttpContext http) =>
{
    await http.Session.LoadAsync();
    var token = http.Session.GetString(SenteCsrf.SessionKey) ?? await http.RenewSenteSessionAsync();
    return Results.Content($$"""
        <!doctype html><meta name="csrf-token" content="{{token}}">
        <script type="module">
          import { createClient } from "/sente/sente-client.js";
          const chsk = createClient();   // connects to /chsk, sends the token of the meta tag
          chsk.on("chat/msg", ({ data }) => console.log("push", data));
          chsk.on("handshake", async () => console.log("reply", await chsk.request("demo/echo", "hi")));
        </script>
        """, "text/html");
});

// Signing in: a real application checks a password or an identity provider first.
app.MapPost("/login", async (HttpContext http) =>
{
    var uid = (await http.Request.ReadFormAsync())["uid"].ToString();
    await http.RenewSenteSessionAsync();   // new session id and CSRF token at every login
    http.Session.SetString(SenteUserIds.SessionUidKey, uid);
    return Results.Redirect("/");
});

app.MapSente("/chsk")                      // WebSocket + Ajax on one path; chain .RequireAuthorization() etc.
   .On("demo/echo", ctx => { ctx.Reply(ctx.Data); return Task.CompletedTask; })
   .On("chat/send", ctx => ctx.Grains.GetUserGrain(ctx.Data["to"].AsString()!)
        .PushAsync(SenteEvent.Create("chat/msg", EdnMap.Of(("from", ctx.UserId), ("text", ctx.Data["text"])))));
app.Run();
