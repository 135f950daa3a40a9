using Orleans.Dashboard;
using Orleans.Sente.Hosting;

namespace Orleans.Sente.Silo;

/// <summary>
/// A standalone silo hosting Orleans.Sente's grains, with the operations endpoints.
/// Configuration (appsettings, environment <c>Sente__Cluster__Mode</c>, or command line
/// <c>--Sente:Cluster:Mode=AzureStorage</c>):
/// <list type="bullet">
/// <item><c>Sente:Cluster</c>: <c>Mode</c> (<c>Localhost</c>, the default, or <c>AzureStorage</c>),
/// <c>ConnectionString</c>, <c>ClusterId</c>, <c>ServiceId</c>, <c>GrainStorage</c> (<c>Table</c> or
/// <c>Blob</c>), <c>AdvertisedIPAddress</c>; see <see cref="SenteClusterOptions"/>.</item>
/// <item><c>Sente:Silo</c>: <c>SiloPort</c> (11111), <c>GatewayPort</c> (30000), <c>PrimarySiloPort</c>
/// (Localhost mode: unset makes this silo the primary; set joins the primary on that port), and
/// <c>Dashboard</c> (false; true serves the Orleans Dashboard at <c>/dashboard</c>).</item>
/// <item><c>Sente:Grains</c>: the grain-side options (<c>InboxLimit</c>, <c>InboxMaxAge</c>, ...).</item>
/// </list>
/// </summary>
internal static class SiloHosting
{
    public const string SectionName = "Sente:Silo";
    public const string DashboardPath = "/dashboard";

    public static WebApplicationBuilder AddSenteSilo(this WebApplicationBuilder builder)
    {
        var cluster = builder.Configuration.ReadClusterOptions(
            SenteClusterMode.Localhost, [SenteClusterMode.Localhost, SenteClusterMode.AzureStorage], SectionName);
        var dashboard = DashboardEnabled(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseSenteCluster(cluster, builder.Configuration);
            if (dashboard)
            {
                silo.AddDashboard();
            }
        });
        builder.AddSenteOperations(SenteRole.Silo);
        return builder;
    }

    public static WebApplication MapSenteSilo(this WebApplication app)
    {
        app.MapSenteOperations();
        if (DashboardEnabled(app.Configuration))
        {
            app.MapOrleansDashboard(DashboardPath);
        }

        return app;
    }

    private static bool DashboardEnabled(IConfiguration configuration) =>
        configuration.GetValue($"{SectionName}:Dashboard", false);
}
