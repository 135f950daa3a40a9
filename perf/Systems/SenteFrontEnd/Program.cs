using Orleans.Sente.AspNetCore;
using Orleans.Sente.Bench.Systems;
using Orleans.Sente.Bench.Systems.Sente;
using Orleans.Sente.Hosting;

// An Orleans.Sente front end as an application would run it in Client mode
// (--Sente:Cluster:Mode=Client --Sente:Cluster:GatewayPorts=a,b), with default SenteOptions
// except the two the SignalR baseline also goes without: the user-id is the `uid` query
// parameter and there is no CSRF token to check (so every origin is allowed on purpose: no
// cookie makes the user-id).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddBenchLifetime();
builder.AddSenteCluster();
builder.Services.AddSente(o =>
{
    o.UserIdFn = QueryUserId.FromQuery;
    o.CsrfTokenFn = null;
    o.AllowedOrigins = ["*"];
});

var app = builder.Build();
app.MapSente("/chsk");
app.UseBenchLifetime().Run();
