using System.Globalization;
using Orleans.Sente.Bench.Scenarios;

namespace Orleans.Sente.Bench;

/// <summary>The harness's command line.</summary>
internal sealed record BenchOptions
{
    /// <summary>Default output folder, relative to the working directory.</summary>
    public const string DefaultOut = "perf/results";

    public bool Smoke { get; init; }

    /// <summary>Null: S1-S5 (<see cref="ScenarioCatalog.DefaultIds"/>), or <see cref="ScenarioCatalog.SmokeIds"/> with <c>--smoke</c>.</summary>
    public IReadOnlyList<string>? ExplicitScenarios { get; init; }

    public IReadOnlyList<string> Scenarios => ExplicitScenarios ?? (Smoke ? ScenarioCatalog.SmokeIds : ScenarioCatalog.DefaultIds);

    public IReadOnlyList<string>? Systems { get; init; }

    public string Out { get; init; } = DefaultOut;

    public int? IdleClients { get; init; }

    public int? WarmupSeconds { get; init; }

    public int? MeasureSeconds { get; init; }

    /// <summary>S6's deliveries per second; each group's push rate is this over its clients.</summary>
    public int? GroupDeliveries { get; init; }

    /// <summary>S9's front-end counts.</summary>
    public IReadOnlyList<int>? FrontEndCounts { get; init; }

    /// <summary>Runs of each (system, scenario), interleaved; the tables show their median.</summary>
    public int Repeat { get; init; } = 1;

    /// <summary>Plain line output instead of the live progress display (for logs and tests).</summary>
    public bool Plain { get; init; }

    public const string Usage = """
        dotnet run -c Release --project perf/Bench -- [options]
          --smoke                tiny sizes, asserts that deliveries arrived (exit code 1 otherwise)
          --scenarios S1,S2,...  S1 saturated 2000 clients, S2 paced 1000 and 2500/s, S3 saturated
                                 10,000 clients, S4 idle capacity/memory, S5 server killed under load
                                 (the default: S1-S5); S6 pushes to groups of 1,000 and 10,000 users,
                                 S7 S1's load pushed by a grain in the silos beside the gateway, S8 S1's
                                 load on 2 silos + 2 front ends and 4 + 4, S9 the cost of a connect with
                                 2, 8 and 32 front ends, S10 10,000 clients connecting at once
          --systems a,b          signalr, signalr-redis, kestrel-ws, sente, sente-flush (default: all; a
                                 scenario runs on those it applies to: S6 signalr-redis, sente, sente-flush;
                                 S7, S8 sente, sente-flush; S9 sente; S10 signalr-redis, sente)
          --out DIR              results folder (default perf/results)
          --idle-clients N       clients in S4 (default 15000; one receiver process per 18,000 clients, as one
                                 process may hold at most 20,000 open files here; Orleans.Sente adds front ends
                                 to match, the single-server baselines cannot go beyond that limit)
          --warmup S --measure S seconds (default 10 and 20; smoke 1 and 2); in S9 and S10 the warm-up
                                 is the pause after the warm-up clients connected (default 30 s)
          --group-deliveries N   S6's deliveries per second (default 40000): each group's pushes per
                                 second are N over its clients
          --front-ends a,b,c     S9's front-end counts (default 2,8,32)
          --repeat N             run the whole plan N times, systems interleaved; tables and pictures show
                                 the median of each figure (results.json keeps every run)
          --plain                line output instead of the live display
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            static string[] List(string v) => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            static int Int(string v) => int.Parse(v, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--smoke" => options with { Smoke = true },
                "--plain" => options with { Plain = true },
                "--scenarios" => options with { ExplicitScenarios = List(Value()).Select(s => s.ToUpperInvariant()).ToArray() },
                "--systems" => options with { Systems = List(Value()) },
                "--out" => options with { Out = Value() },
                "--idle-clients" => options with { IdleClients = Int(Value()) },
                "--warmup" => options with { WarmupSeconds = Int(Value()) },
                "--measure" => options with { MeasureSeconds = Int(Value()) },
                "--repeat" => options with { Repeat = Math.Max(1, Int(Value())) },
                "--group-deliveries" => options with { GroupDeliveries = Int(Value()) },
                "--front-ends" => options with { FrontEndCounts = List(Value()).Select(Int).ToArray() },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        var unknown = options.Scenarios.Except(ScenarioCatalog.AllIds).ToArray();
        return unknown.Length == 0 ? options : throw new ArgumentException($"Unknown scenario(s) {string.Join(", ", unknown)}.");
    }
}
