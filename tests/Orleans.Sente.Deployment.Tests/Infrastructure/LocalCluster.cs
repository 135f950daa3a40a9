using System.Diagnostics;

namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>
/// The cluster of <c>scripts/cluster.sh</c>, started detached into a run folder of its own:
/// Azurite, two silo processes, two front-end processes, nginx. Stopped (everything) on dispose.
/// </summary>
internal sealed class LocalCluster : IAsyncDisposable
{
    private readonly string _run;

    private LocalCluster(string run) => _run = run;

    /// <summary>The current start's <c>cluster.env</c>: addresses change with every start.</summary>
    public IReadOnlyDictionary<string, string> Env { get; private set; } = new Dictionary<string, string>();

    public TimeSpan StartedIn { get; private set; }

    public Uri Url => new(Env["SENTE_CLUSTER_URL"]);

    public static async Task<LocalCluster> StartAsync()
    {
        var cluster = new LocalCluster(Directory.CreateTempSubdirectory("sente-cluster-").FullName);
        await cluster.StartAgainAsync();
        return cluster;
    }

    /// <summary>
    /// <c>scripts/cluster.sh stop</c>: every process ends, the run folder (with Azurite's data on
    /// disk) stays for <see cref="StartAgainAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        var (code, output) = await ScriptAsync(_run, "stop");
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/cluster.sh stop failed ({code}):\n{output}");
        }
    }

    /// <summary><c>scripts/cluster.sh start --detach</c> in the same run folder, on new ports.</summary>
    public async Task StartAgainAsync()
    {
        var watch = Stopwatch.StartNew();
        var (code, output) = await ScriptAsync(_run, "start", "--detach");
        if (code != 0)
        {
            await ScriptAsync(_run, "stop");
            throw new InvalidOperationException($"scripts/cluster.sh start failed ({code}):\n{output}\n{Logs(_run)}");
        }

        Env = ReadEnv(Path.Combine(_run, "cluster.env"));
        StartedIn = watch.Elapsed;
    }

    /// <summary>What bash sees in <paramref name="name"/> after <c>source cluster.env</c>.</summary>
    public async Task<string> SourceEnvAsync(string name)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"source \"$1\" && printf '%s' \"${name}\"");
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add(Path.Combine(_run, "cluster.env"));
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"source cluster.env failed ({process.ExitCode})");
    }

    /// <summary>Reads <c>cluster.env</c>: shell lines <c>NAME='value'</c>.</summary>
    private static Dictionary<string, string> ReadEnv(string file) =>
        File.ReadAllLines(file)
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1].Length >= 2 && p[1][0] == '\'' && p[1][^1] == '\'' ? p[1][1..^1] : p[1], StringComparer.Ordinal);

    /// <summary>Sends SIGTERM to one of the cluster's processes ("silo-1", "front-end-2", ...) and waits until it has exited.</summary>
    public async Task TerminateAsync(string name)
    {
        var pid = await PidAsync(name);
        await SignalAsync(pid, "TERM");
        await WaitForExitAsync(name, pid);
    }

    /// <summary>Sends SIGKILL to one of the cluster's processes and waits until it has exited: no goodbye, sockets cut by the kernel.</summary>
    public async Task KillAsync(string name)
    {
        var pid = await PidAsync(name);
        await SignalAsync(pid, "KILL");
        await WaitForExitAsync(name, pid);
    }

    /// <summary>Sends SIGSTOP to one of the cluster's processes ("azurite" included): it keeps its sockets and answers nothing.</summary>
    public async Task PauseAsync(string name) => await SignalAsync(await PidAsync(name), "STOP");

    /// <summary>Sends SIGCONT to a process <see cref="PauseAsync"/> stopped.</summary>
    public async Task ResumeAsync(string name) => await SignalAsync(await PidAsync(name), "CONT");

    /// <summary>Whether the process of <paramref name="name"/> (per its pid file) is alive.</summary>
    public async Task<bool> IsRunningAsync(string name)
    {
        if (!File.Exists(Path.Combine(_run, name + ".pid")))
        {
            return false;
        }

        var pid = await PidAsync(name);
        return Directory.Exists($"/proc/{pid}") && !IsZombie(pid);
    }

    /// <summary>
    /// <c>scripts/cluster.sh restart-one NAME</c>: a new process for a silo or front end whose process
    /// is gone, on new free ports, returned once it is ready (for a front end, nginx is reloaded
    /// with it), or for "azurite" on its former ports with the same data folder; <see cref="Env"/>
    /// is read again.
    /// </summary>
    public async Task RestartOneAsync(string name)
    {
        var (code, output) = await ScriptAsync(_run, "restart-one", name);
        if (code != 0)
        {
            throw new InvalidOperationException($"scripts/cluster.sh restart-one {name} failed ({code}):\n{output}\n{Logs(_run)}");
        }

        Env = ReadEnv(Path.Combine(_run, "cluster.env"));
    }

    private async Task<string> PidAsync(string name) => (await File.ReadAllTextAsync(Path.Combine(_run, name + ".pid"))).Trim();

    /// <summary><c>kill -SIGNAL pid</c>, which must succeed.</summary>
    private static async Task SignalAsync(string pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid]);
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed ({kill.ExitCode}).");
        }
    }

    /// <summary>Not our child, so no exit event: watches /proc, within a bound.</summary>
    private static async Task WaitForExitAsync(string name, string pid)
    {
        var deadline = DateTime.UtcNow + Timeouts.Start;
        while (Directory.Exists($"/proc/{pid}") && !IsZombie(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} (pid {pid}) did not exit.");
            }

            await Task.Delay(Timeouts.Poll);
        }
    }

    /// <summary>An exited process its parent has not reaped yet (state Z in /proc/PID/stat).</summary>
    private static bool IsZombie(string pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
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
