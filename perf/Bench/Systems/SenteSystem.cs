using System.Globalization;
using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Systems;

/// <summary>
/// Orleans.Sente: 2 silos (primary and secondary, localhost clustering), front ends in Client
/// mode holding the clients' WebSockets (JSON packer), and a push gateway, a plain Orleans client
/// calling <c>IUserGrain.PushAsync</c>. Pushes are batched per front end within <c>SendBufWs</c>
/// (30 ms), or written at once with <c>PushOptions.Flushed</c>. S5 kills the secondary silo; the
/// primary holds the membership table, as a seed node would.
/// </summary>
internal sealed class SenteSystem(bool flush) : ISystemUnderTest
{
    /// <summary>Front ends at the usual sizes (one per silo).</summary>
    public const int MinFrontEnds = 2;

    /// <summary>Sockets one front end is given, below the 20,000 open files a process may hold here.</summary>
    public const int ClientsPerFrontEnd = 18_000;

    /// <summary>
    /// Membership probe timeout of the silos. Orleans' default (5 s, three missed probes before a
    /// silo is suspected) would alone take longer than the 10 s S5 allows; a deployment that cares
    /// about failover time sets it lower, as here.
    /// </summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private const string SiloAssembly = "Orleans.Sente.Bench.SenteSilo";
    private const string FrontEndAssembly = "Orleans.Sente.Bench.SenteFrontEnd";
    private const string GatewayAssembly = "Orleans.Sente.Bench.SentePushGateway";

    public static SenteSystem Batched { get; } = new(flush: false);

    public static SenteSystem Flushed { get; } = new(flush: true);

    public string Name => flush ? "sente-flush" : "sente";

    public string Description => flush
        ? "Orleans.Sente, 2 silos + front ends, PushOptions.Flushed"
        : "Orleans.Sente, 2 silos + front ends, batched (SendBufWs 30 ms)";

    public string ClientProtocol => "sente-json";

    public bool SupportsKill => true;

    /// <summary>The flushed variant's idle and kill behaviour is the batched one's.</summary>
    public bool SmokeLoadOnly => flush;

    public static int FrontEndsFor(int clients) => Math.Max(MinFrontEnds, (clients + ClientsPerFrontEnd - 1) / ClientsPerFrontEnd);

    public async Task<SystemDeployment> StartAsync(SystemContext context, CancellationToken ct)
    {
        var processes = new List<ManagedProcess>();

        // Processes start in parallel: each is recorded as soon as it is up, so a failed start
        // of one still stops the others.
        async Task<(ManagedProcess Process, int[] Ports)> Tracked(Task<(ManagedProcess Process, int[] Ports)> starting)
        {
            var started = await starting;
            lock (processes)
            {
                processes.Add(started.Process);
            }

            return started;
        }

        try
        {
            var siloDll = context.Layout.Dll("perf/Systems/SenteSilo", SiloAssembly);
            var probe = "--Bench:ProbeTimeout=" + ProbeTimeout.ToString("c", CultureInfo.InvariantCulture);
            // Both silos start at once: the secondary keeps trying to join until the primary listens.
            var primarySiloPort = FreePorts.Next();
            var silos = await Task.WhenAll(
                Tracked(StartOnFreePortsAsync(context, "silo A", siloDll, 2, p =>
                    ["--urls", SystemContext.HttpUrl(p[0]), "--Sente:Cluster:Mode=Localhost", $"--Sente:Silo:SiloPort={primarySiloPort}", $"--Sente:Silo:GatewayPort={p[1]}", probe], ct)),
                Tracked(StartOnFreePortsAsync(context, "silo B", siloDll, 3, p =>
                    ["--urls", SystemContext.HttpUrl(p[0]), "--Sente:Cluster:Mode=Localhost", $"--Sente:Silo:SiloPort={p[1]}", $"--Sente:Silo:GatewayPort={p[2]}",
                     $"--Sente:Silo:PrimarySiloPort={primarySiloPort}", probe], ct)));
            var secondary = silos[1].Process;

            var gateways = $"{silos[0].Ports[1]},{silos[1].Ports[2]}";
            var frontEndDll = context.Layout.Dll("perf/Systems/SenteFrontEnd", FrontEndAssembly);
            var frontEndsStarting = Task.WhenAll(Enumerable.Range(1, FrontEndsFor(context.Clients)).Select(i => Tracked(StartOnFreePortsAsync(
                context, "front end " + i.ToString(CultureInfo.InvariantCulture), frontEndDll, 1,
                p => ["--urls", SystemContext.HttpUrl(p[0]), "--Sente:Cluster:Mode=Client", $"--Sente:Cluster:GatewayPorts={gateways}"], ct))));
            var gatewayStarting = Tracked(StartOnFreePortsAsync(context, "push gateway",
                context.Layout.Dll("perf/Systems/SentePushGateway", GatewayAssembly), 1,
                p => ["--urls", SystemContext.HttpUrl(p[0]), "--gateways", gateways, "--flush", flush ? "true" : "false"], ct));
            await Task.WhenAll(frontEndsStarting, gatewayStarting);
            var ports = (await frontEndsStarting).Select(f => f.Ports[0]).ToArray();
            var gatewayPort = (await gatewayStarting).Ports[0];

            return new SystemDeployment(
                processes,
                ports.Select(p => $"ws://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}/chsk?client-id={{cid}}&packer=json&uid={{uid}}").ToArray(),
                new Uri($"ws://127.0.0.1:{gatewayPort}/bench/push"),
                secondary);
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Every process reads configuration from its own folder, not the harness's working directory
    /// (which may hold another application's appsettings), and logs warnings only, as the baselines do.
    /// </summary>
    private static string[] CommonArgs(string dll) =>
        ["--contentRoot", Path.GetDirectoryName(dll)!, "--Logging:LogLevel:Default=Warning"];

    /// <summary>
    /// Picks <paramref name="portCount"/> free ports just before the start, and tries again with
    /// new ones if the process could not start (another socket on this busy machine may take a
    /// port between the pick and the bind).
    /// </summary>
    private static async Task<(ManagedProcess Process, int[] Ports)> StartOnFreePortsAsync(
        SystemContext context, string role, string dll, int portCount, Func<int[], IEnumerable<string>> args, CancellationToken ct)
    {
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var ports = Enumerable.Range(0, portCount).Select(_ => FreePorts.Next()).ToArray();
            try
            {
                return (await context.StartDotnetAsync(role, dll, [.. args(ports), .. CommonArgs(dll)], "READY", ct), ports);
            }
            catch (InvalidOperationException) when (attempt < Attempts && !ct.IsCancellationRequested)
            {
                // Exited before its ready line: most likely a port taken meanwhile.
            }
        }
    }
}
