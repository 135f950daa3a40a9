using Orleans.Sente.Hosting;
using Orleans.Sente.WebFrontend;
using Orleans.Sente.WebFrontend.Demo;

var builder = WebApplication.CreateBuilder(args);
builder.AddSenteCluster();
builder.Services.AddSenteDemo();
builder.Services.AddSente();

var app = builder.Build();
app.MapSenteOperations();
app.UseSession();
app.MapSenteDemo();
app.Run();

/// <summary>The embedded default: a front end co-hosting a silo, serving the demo chat.</summary>
public partial class Program;
