using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Orleans.Sente.Bench.Systems;
using Orleans.Sente.Bench.Systems.SignalR;

// ASP.NET Core SignalR as an application would run it: default hub options, user-id from
// the query string, and (with --redis host:port) the StackExchange.Redis backplane.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddBenchLifetime();
builder.Services.AddSignalR().AddBenchBackplane(builder.Configuration["redis"]);
builder.Services.AddSingleton<IUserIdProvider, QueryUserIdProvider>();

var app = builder.Build();
app.UseWebSockets();
app.MapHub<PushHub>("/hub", o => o.Transports = HttpTransportType.WebSockets);
app.MapPushControl("/bench/push", PushHub.PushToUser);
app.UseBenchLifetime().Run();
