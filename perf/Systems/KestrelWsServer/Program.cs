using Orleans.Sente.Bench.Systems;
using Orleans.Sente.Bench.Systems.Kestrel;

// The transport ceiling: a push writes the payload as one text frame straight into each of
// the user's sockets, found through a user -> sockets index. No protocol, no queueing.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddBenchLifetime();
builder.Services.AddSingleton<SocketIndex>();

var app = builder.Build();
app.UseWebSockets();
app.Map("/ws", RawSocketEndpoint.HandleAsync);
app.MapPushControl("/bench/push", services => services.GetRequiredService<SocketIndex>().PushAsync);
app.UseBenchLifetime().Run();
