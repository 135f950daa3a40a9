using Orleans.Sente.Hosting;
using Orleans.Sente.WebFrontend;
using Orleans.Sente.WebFrontend.Demo;

var exitCode = SenteStartup.Run(
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

// A host stopped by a failed background service returns from Run normally; FaultedServiceExitCode
// has then set Environment.ExitCode, which a plain "return 0" would overwrite.
return exitCode != 0 ? exitCode : Environment.ExitCode;

/// <summary>The embedded default: a front end co-hosting a silo, serving the demo chat.</summary>
public partial class Program;
