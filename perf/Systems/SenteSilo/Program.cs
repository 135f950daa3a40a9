using Orleans.Sente.Bench.Systems;
using Orleans.Sente.Bench.Systems.Sente;
using Orleans.Sente.Hosting;

// A silo as src/Silo runs it (Sente:Cluster and Sente:Silo configuration, localhost clustering,
// Orleans.Sente's grains) without the operations endpoints, under the harness's lifetime:
// READY once the silo has joined, exit when stdin closes. It also hosts the benchmark's producer
// grain (scenario S7), and with --Bench:Counters=true answers GET /bench/counters with the Orleans
// messages and Orleans.Sente grain calls it counted so far.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddBenchLifetime();
var cluster = builder.Configuration.ReadClusterOptions(SenteClusterMode.Localhost, [SenteClusterMode.Localhost], "Sente:Silo");
builder.UseOrleans(silo => silo.UseSenteCluster(cluster, builder.Configuration).AddBenchFailureDetection(builder.Configuration));
var counting = builder.Configuration.GetValue("Bench:Counters", false);
if (counting)
{
    builder.Services.AddSingleton<BenchCounters>();
}

var app = builder.Build();
if (counting)
{
    // Created now, so that it counts from the start.
    var counters = app.Services.GetRequiredService<BenchCounters>();
    app.MapGet("/bench/counters", () => Results.Json(counters.Snapshot()));
}

app.UseBenchLifetime().Run();
