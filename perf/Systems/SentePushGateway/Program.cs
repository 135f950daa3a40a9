using Orleans.Sente.Bench.Systems;
using Orleans.Sente.Bench.Systems.Sente;

// The application server that pushes: a plain Orleans client of both silos' gateways
// (--gateways 30000,30001), calling IUserGrain.PushAsync for every push-control frame.
// --flush makes every push PushOptions.Flushed.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddBenchLifetime();
builder.UseOrleansClient(client => client.UseStaticClustering(BenchPush.Gateways(builder.Configuration["gateways"])));

var app = builder.Build();
app.UseWebSockets();
app.MapPushControl("/bench/push", sp => BenchPush.Create(sp, app.Configuration.GetValue("flush", false)));
app.UseBenchLifetime().Run();
