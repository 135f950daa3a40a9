using Orleans.Sente.AspNetCore;
using Orleans.Sente.Hosting;
using Orleans.Sente.WebFrontend.Demo;

return SenteStartup.Run(
    "Orleans.Sente front end",
    WebApplication.CreateBuilder(args),
    builder =>
    {
        builder.AddSenteCluster();
        builder.Services.AddSenteDemo();
        builder.Services.AddSente();
    },
    app =>
    {
        app.MapSenteOperations();
        app.UseSession();
        app.MapSenteDemo();
    });

/// <summary>The embedded default: a front end co-hosting a silo, serving the demo chat.</summary>
public partial class Program;
