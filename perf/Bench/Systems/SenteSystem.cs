using System.Globalization;
using Orleans.Sente.Bench.Processes;
using Orleans.Sente.Bench.Scenarios;

namespace Orleans.Sente.Bench.Systems;

/// <summary>
/// Orleans.Sente: 2 silos (primary and secondary, localhost clustering; more when the scenario
/// says so), front ends in Client mode holding the clients' WebSockets (JSON packer), and a push
/// gateway, a plain Orleans client calling <c>IUserGrain.PushAsync</c> (or, as the scenario says,
/// <c>IGroupGrain.PushAsync</c>, or a producer grain in the silos). Pushes are batched per front end
/// within <c>SendBufWs</c> (30 ms), or written at once with <c>PushOptions.Flushed</c>. S5 kills the
/// secondary silo; the primary holds the membership table, as a seed node would.
/// </summary>
internal sealed class SenteSystem(bool flush) : ISystemUnderTest
{
    /// <summary>Front ends at the usual sizes (one per silo).</summary>
    public const int MinFrontEnds = 2;

    /// <summary>Sockets one front end is given, below the 20,000 open files a process may hold here.</summary>
    public const int ClientsPerFrontEnd = 18_000;

    /// <summary>Front ends starting at the same time.</summary>
    public const int FrontEndStartsAtOnce = 4;

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
        var spec = context.Spec;
        var siloCount = Math.Max(2, spec?.Silos ?? 2);
        var frontEndCount = spec is { FrontEnds: > 0 } ? spec.FrontEnds : FrontEndsFor(context.Clients);
        var counting = spec?.CountMessages ?? false;
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
            string[] siloOptions =
            [
                "--Sente:Cluster:Mode=Localhost",
                "--Bench:ProbeTimeout=" + ProbeTimeout.ToString("c", CultureInfo.InvariantCulture),
                .. counting ? ["--Bench:Counters=true"] : Array.Empty<string>(),
            ];

            // Every silo starts at once: the secondaries keep trying to join until the primary listens.
            // Ports: [0] HTTP, [1] gateway, and for a secondary [2] its silo port.
            var primarySiloPort = FreePorts.Next();
            var silos = await Task.WhenAll(Enumerable.Range(0, siloCount).Select(i => Tracked(StartOnFreePortsAsync(
                context, "silo " + (char)('A' + i), siloDll, i == 0 ? 2 : 3, p =>
                    i == 0
                        ? ["--urls", SystemContext.HttpUrl(p[0]), $"--Sente:Silo:SiloPort={primarySiloPort}", $"--Sente:Silo:GatewayPort={p[1]}", .. siloOptions]
                        : ["--urls", SystemContext.HttpUrl(p[0]), $"--Sente:Silo:SiloPort={p[2]}", $"--Sente:Silo:GatewayPort={p[1]}",
                           $"--Sente:Silo:PrimarySiloPort={primarySiloPort}", .. siloOptions], ct))));
            var secondary = silos[1].Process;

            var gateways = string.Join(',', silos.Select(s => s.Ports[1].ToString(CultureInfo.InvariantCulture)));
            var frontEndDll = context.Layout.Dll("perf/Systems/SenteFrontEnd", FrontEndAssembly);

            // A few front ends start at a time: dozens starting together on 2 cores would each miss the ready timeout.
            using var startSlots = new SemaphoreSlim(FrontEndStartsAtOnce);
            var frontEndsStarting = Task.WhenAll(Enumerable.Range(1, frontEndCount).Select(async i =>
            {
                await startSlots.WaitAsync(ct);
                try
                {
                    return await Tracked(StartOnFreePortsAsync(
                        context, "front end " + i.ToString(CultureInfo.InvariantCulture), frontEndDll, 1,
                        p => ["--urls", SystemContext.HttpUrl(p[0]), "--Sente:Cluster:Mode=Client", $"--Sente:Cluster:GatewayPorts={gateways}"], ct));
                }
                finally
                {
                    startSlots.Release();
                }
            }));
            string[] pushOptions =
            [
                "--flush", flush ? "true" : "false",
                .. spec?.Group is not null ? ["--push-to", "group"] : Array.Empty<string>(),
                .. spec?.Producer == PushProducer.Grain ? ["--producer", "grain"] : Array.Empty<string>(),
            ];
            var gatewayStarting = Tracked(StartOnFreePortsAsync(context, "push gateway",
                context.Layout.Dll("perf/Systems/SentePushGateway", GatewayAssembly), 1,
                p => ["--urls", SystemContext.HttpUrl(p[0]), "--gateways", gateways, .. pushOptions], ct));
            await Task.WhenAll(frontEndsStarting, gatewayStarting);
            var ports = (await frontEndsStarting).Select(f => f.Ports[0]).ToArray();
            var gatewayPort = (await gatewayStarting).Ports[0];

            return new SystemDeployment(
                processes,
                ports.Select(p => $"ws://127.0.0.1:{p.ToString(CultureInfo.InvariantCulture)}/chsk?client-id={{cid}}&packer=json&uid={{uid}}").ToArray(),
                new Uri($"ws://127.0.0.1:{gatewayPort}/bench/push"),
                secondary,
                counting ? silos.Select(s => new Uri($"{SystemContext.HttpUrl(s.Ports[0])}/bench/counters")).ToArray() : null,
                spec?.Group is { } group ? new Uri($"{SystemContext.HttpUrl(gatewayPort)}/bench/group/{Uri.EscapeDataString(group)}?users={spec.Users.ToString(CultureInfo.InvariantCulture)}") : null);
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
