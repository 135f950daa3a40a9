using Orleans.Sente.Bench.Systems;
using Orleans.Sente.Bench.Systems.Sente;
using Orleans.Sente.Hosting;

// A silo as src/Silo runs it (Sente:Cluster and Sente:Silo configuration, localhost clustering,
// Orleans.Sente's grains) without the operations endpoints, under the harness's lifetime:
// READY once the silo has joined, exit when stdin closes.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.AddBenchLifetime();
var cluster = builder.Configuration.ReadClusterOptions(SenteClusterMode.Localhost, [SenteClusterMode.Localhost], "Sente:Silo");
builder.UseOrleans(silo => silo.UseSenteCluster(cluster, builder.Configuration).AddBenchFailureDetection(builder.Configuration));

var app = builder.Build();
app.UseBenchLifetime().Run();
