using Orleans.Sente.Bench.Systems;
using Orleans.Sente.Bench.Systems.Sente;

// The application server that pushes: a plain Orleans client of the silos' gateways
// (--gateways 30000,30001), calling IUserGrain.PushAsync for every push-control frame.
// --flush makes every push PushOptions.Flushed; --push-to group pushes to the group the frame
// names (IGroupGrain.PushAsync) instead of a user; --producer grain hands the pushes in batches
// to a producer grain in the silos, which calls the user grains itself.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddBenchLifetime();
builder.UseOrleansClient(client => client.UseStaticClustering(BenchPush.Gateways(builder.Configuration["gateways"])));
builder.Services.AddSingleton<ProducerBatcher>();

var app = builder.Build();
app.UseWebSockets();
app.MapPushControl("/bench/push", sp => BenchPush.Create(sp, app.Configuration));
app.MapGroupSetup("/bench/group");
app.UseBenchLifetime().Run();
