using System.Runtime.InteropServices;
using Orleans.Sente.Bench.Results;
using Orleans.Sente.Bench.Scenarios;
using Orleans.Sente.Bench.Systems;
using Spectre.Console;

namespace Orleans.Sente.Bench;

/// <summary>Runs every selected scenario against every selected system, then writes the results.</summary>
internal static class BenchRunner
{
    /// <summary>How long one process may take to print its ready line on a busy 2-core machine.</summary>
    public static readonly TimeSpan DefaultReadyTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(BenchOptions options, string commandLine, CancellationToken ct)
    {
        var layout = BenchLayout.Discover();
        var context = new SystemContext(layout, DefaultReadyTimeout);
        var systems = SystemCatalog.Select(options.Systems);
        var plan = ScenarioCatalog.Build(options)
            .SelectMany(spec => systems
                .Where(s => spec.RunsOn(s.Name))
                .Where(s => spec.Kind != ScenarioKind.Kill || s.SupportsKill)
                .Where(s => !options.Smoke || spec.Kind == ScenarioKind.Load || !s.SmokeLoadOnly)
                .Select(system => (spec, system)))
            .ToArray();

        if (plan.Length == 0)
        {
            AnsiConsole.MarkupLine("[yellow]No selected scenario runs on the selected systems.[/]");
        }

        // Repeats go round the whole plan, so that drift in the machine's load spreads over every system.
        plan = Enumerable.Repeat(plan, options.Repeat).SelectMany(p => p).ToArray();
        var started = DateTimeOffset.UtcNow;
        AnsiConsole.MarkupLineInterpolated($"Open-files limit for every process: {Processes.FileLimits.Current():N0}");
        var results = options.Plain
            ? await RunPlainAsync(plan, context, ct)
            : await RunWithProgressAsync(plan, context, ct);

        var report = new BenchReport(started, "dotnet run -c Release --project perf/Bench -- " + commandLine,
            Environment.ProcessorCount, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0,
            RuntimeInformation.FrameworkDescription, options.Smoke,
            options.Repeat > 1 ? RunMedian.Fold(results) : results,
            options.Repeat > 1 ? results : null);
        var outDir = Path.GetFullPath(options.Out);
        await WriteAsync(report, outDir);
        AnsiConsole.Write(SummaryTable(report));
        AnsiConsole.MarkupLineInterpolated($"Results written to [bold]{outDir}[/]");

        if (ct.IsCancellationRequested)
        {
            return 130;
        }

        var failed = results.Where(r => !r.Ok).ToArray();
        foreach (var r in failed)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]FAILED[/] {r.System} / {r.Label}: {r.Error}");
        }

        return failed.Length == 0 && results.Count == plan.Length ? 0 : 1;
    }

    public static async Task WriteAsync(BenchReport report, string outDir)
    {
        Directory.CreateDirectory(outDir);
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.json"), JsonResultsWriter.Serialize(report));
        await File.WriteAllTextAsync(Path.Combine(outDir, "results.md"), MarkdownResultsWriter.Render(report));
        foreach (var (name, svg) in ChartSet.Render(report))
        {
            await File.WriteAllTextAsync(Path.Combine(outDir, name), svg);
        }
    }

    private static async Task<List<RunResult>> RunWithProgressAsync((ScenarioSpec Spec, ISystemUnderTest System)[] plan, SystemContext context, CancellationToken ct)
    {
        var results = new List<RunResult>();
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var tasks = plan.Select(p => progress.AddTask(Markup.Escape($"{p.System.Name} / {p.Spec.Label}"), autoStart: false, maxValue: 1)).ToArray();
                for (var i = 0; i < plan.Length && !ct.IsCancellationRequested; i++)
                {
                    var task = tasks[i];
                    var name = $"{plan[i].System.Name} / {plan[i].Spec.Label}";
                    task.StartTask();
                    var runner = new ScenarioRunner(context, (phase, value) =>
                    {
                        task.Description = Markup.Escape($"{name}: {phase}");
                        task.Value = value;
                    });
                    var result = await runner.RunAsync(plan[i].System, plan[i].Spec, ct);
                    results.Add(result);
                    task.Description = Markup.Escape($"{name}: ") + (result.Ok ? "[green]" + Markup.Escape(Headline(result)) + "[/]" : "[red]" + Markup.Escape(result.Error ?? "") + "[/]");
                    task.Value = 1;
                    task.StopTask();
                }
            });
        return results;
    }

    private static async Task<List<RunResult>> RunPlainAsync((ScenarioSpec Spec, ISystemUnderTest System)[] plan, SystemContext context, CancellationToken ct)
    {
        var results = new List<RunResult>();
        foreach (var (spec, system) in plan)
        {
            if (ct.IsCancellationRequested)
            {
                break;
            }

            var name = $"{system.Name} / {spec.Label}";
            var runner = new ScenarioRunner(context, (phase, _) => Console.WriteLine($"{name}: {phase}"));
            var result = await runner.RunAsync(system, spec, ct);
            results.Add(result);
            Console.WriteLine($"{name}: {(result.Ok ? Headline(result) : "FAILED " + result.Error)}");
        }

        return results;
    }

    private static string Headline(RunResult r) => r.Scenario == "S4"
        ? $"{r.Connected:N0} held, {r.SystemKiBPerConnection:0.0} KiB/conn"
        : r.IsConnect
        ? $"{r.Connects:N0} handshakes in {r.ConnectSpanMs:N0} ms, {r.SystemCpuMicrosPerConnect:0} us/connect" +
          (double.IsNaN(r.MessagesPerOperation) ? "" : $", {r.MessagesPerOperation:0.0} messages/connect")
        : $"{r.DeliveriesPerSecond:N0}/s, p50 {r.P50Ms:0.0} p99 {r.P99Ms:0.0} ms, {r.SystemCpuMicrosPerDelivery:0.0} us/delivery" +
          (r.ResumeMs is { } resume ? $", resumed {resume:N0} ms, lost {r.Lost:N0}" : "") +
          (double.IsNaN(r.MessagesPerOperation) ? "" : $", {r.MessagesPerOperation:0.0} messages/push");

    private static Table SummaryTable(BenchReport report)
    {
        var table = new Table().AddColumns("system", "scenario", "held", "deliveries/s", "p50/p99 ms", "sys us/dlv", "KiB/conn", "notes");
        foreach (var r in report.Runs)
        {
            var idle = r.Scenario == "S4";
            var connect = r.IsConnect;
            table.AddRow(
                Markup.Escape(r.System), Markup.Escape(r.Label), r.Connected.ToString("N0"),
                idle || connect ? "" : r.DeliveriesPerSecond.ToString("N0"),
                idle || connect ? "" : $"{r.P50Ms:0.0} / {r.P99Ms:0.0}",
                idle || connect ? "" : r.SystemCpuMicrosPerDelivery.ToString("0.0"),
                r.SystemKiBPerConnection.ToString("0.0"),
                Markup.Escape(r.Error ?? (r.ResumeMs is { } ms ? $"resumed {ms:N0} ms, lost {r.Lost:N0}"
                    : connect ? $"{r.ConnectSpanMs:N0} ms to every handshake, {r.SystemCpuMicrosPerConnect:0} us/connect" : "")));
        }

        return table;
    }
}
