using Orleans.Sente.Hosting;
using Orleans.Sente.Silo;

return SenteStartup.Run(
    "Orleans.Sente silo",
    WebApplication.CreateBuilder(args),
    builder => builder.AddSenteSilo(),
    app => app.MapSenteSilo());
