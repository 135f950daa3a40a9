using System.Diagnostics;

namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>
/// The cluster of <c>scripts/cluster.sh</c>, started detached into a run folder of its own:
/// Azurite, two silo processes, two front-end processes, nginx. Stopped (everything) on dispose.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly string _run;

    private LocalCluster(string run, Dictionary<string, string> env, TimeSpan started)
    {
        _run = run;
        Env = env;
        StartedIn = started;
    }

    public IReadOnlyDictionary<string, string> Env { get; }

    public TimeSpan StartedIn { get; }

    public Uri Url => new(Env["SENTE_CLUSTER_URL"]);

    public static async Task<LocalCluster> StartAsync()
    {
        var run = Directory.CreateTempSubdirectory("sente-cluster-").FullName;
        var watch = Stopwatch.StartNew();
        var (code, output) = await ScriptAsync(run, "start", "--detach");
        if (code != 0)
        {
            await ScriptAsync(run, "stop");
            throw new InvalidOperationException($"scripts/cluster.sh start failed ({code}):\n{output}\n{Logs(run)}");
        }

        var env = File.ReadAllLines(Path.Combine(run, "cluster.env"))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return new LocalCluster(run, env, watch.Elapsed);
    }

    /// <summary>Sends SIGTERM to one of the cluster's processes ("silo-1", "front-end-2", ...) and waits until it has exited.</summary>
    public async Task TerminateAsync(string name)
    {
        var pid = (await File.ReadAllTextAsync(Path.Combine(_run, name + ".pid"))).Trim();
        using (var kill = Process.Start("kill", ["-TERM", pid]))
        {
            await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        // Not our child, so no exit event: watch /proc, within a bound.
        var deadline = DateTime.UtcNow + Timeouts.Start;
        while (Directory.Exists($"/proc/{pid}"))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} (pid {pid}) did not exit after SIGTERM.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ScriptAsync(_run, "stop");
        if (Environment.GetEnvironmentVariable("SENTE_KEEP_CLUSTER_LOGS") is { Length: > 0 } keep)
        {
            CopyLogs(Path.Combine(_run, "logs"), keep);
        }

        Directory.Delete(_run, recursive: true);
    }

    private static void CopyLogs(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }

    private static string Logs(string run)
    {
        var logs = Path.Combine(run, "logs");
        return !Directory.Exists(logs) ? "" : string.Join("\n", Directory.GetFiles(logs).Select(f =>
        {
            var text = File.ReadAllText(f);
            return $"--- {Path.GetFileName(f)}\n{text[Math.Max(0, text.Length - 3000)..]}";
        }));
    }

    private static async Task<(int Code, string Output)> ScriptAsync(string run, params string[] args)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        start.ArgumentList.Add(Path.Combine(Repo.Root, "scripts", "cluster.sh"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["SENTE_CLUSTER_DIR"] = run;
        start.Environment["SENTE_CLUSTER_CONFIGURATION"] = Repo.Configuration;
        start.Environment["SENTE_CLUSTER_BUILD"] = "0";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return (process.ExitCode, await stdout + await stderr);
    }
}
