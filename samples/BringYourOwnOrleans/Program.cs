using Orleans.Sente;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Grains;
using Orleans.Sente.Protocol;

// An application that already runs Orleans adds Sente's grains to its silo and the front end to
// its web host. No Orleans.Sente.Hosting: clustering and storage stay the application's own.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo
    .UseLocalhostClustering(
        siloPort: builder.Configuration.GetValue("Orleans:SiloPort", 11111),
        gatewayPort: builder.Configuration.GetValue("Orleans:GatewayPort", 30000))
    .AddMemoryGrainStorageAsDefault()      // Sente's grains keep durable pushes in the default storage
    .AddSenteGrains());
builder.Services.AddSente(o =>
{
    o.UserIdFn = SenteUserIds.PerTab;      // every client is its own user; no cookie identifies anyone
    o.CsrfTokenFn = null;                  // so no CSRF token is needed, and every origin may connect
    o.AllowedOrigins = ["*"];
});

var app = builder.Build();
app.MapSente("/chsk")
   .On("demo/echo", ctx => { ctx.Reply(ctx.Data); return Task.CompletedTask; })
   .On("chat/send", ctx => ctx.Grains.GetUserGrain(ctx.Data["to"].AsString()!)
        .PushAsync(SenteEvent.Create("chat/msg", EdnMap.Of(("from", ctx.UserId), ("text", ctx.Data["text"])))));

// A push from outside any handler: whatever holds an IGrainFactory (a grain, a service, an endpoint).
app.MapPost("/push/{userId}", (string userId, string text, IGrainFactory grains) =>
    grains.GetUserGrain(userId).PushAsync(SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", text)))));
app.Run();
