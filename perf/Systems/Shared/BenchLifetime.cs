namespace Orleans.Sente.Bench.Systems;

/// <summary>
/// The contract every benchmark server keeps with the harness: print <c>READY</c> on stdout
/// once listening, and stop when stdin closes (so a server never outlives the harness).
/// </summary>
internal static class BenchLifetime
{
    /// <summary>The line the harness waits for.</summary>
    public const string ReadyLine = "READY";

    /// <summary>Shutdown grace once stdin closes: the harness stops clients first, so there is little to drain.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(1);

    public static WebApplicationBuilder AddBenchLifetime(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        return builder;
    }

    public static WebApplication UseBenchLifetime(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            Console.Out.WriteLine(ReadyLine);
            Console.Out.Flush();
        });
        _ = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is not null)
            {
            }

            app.Lifetime.StopApplication();
        });
        return app;
    }
}
