using System.Diagnostics;
using System.Text.Json;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// The built embedded default (<c>dotnet run --project src/WebFrontend</c>) in its own process, with
/// its launch profile's environment, on the given ports and grain state folder: its output lines
/// collected, started once it says "Application started.", stopped as an orchestrator stops it.
/// </summary>
internal sealed class EmbeddedDefaultProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EmbeddedDefaultProcess(Process process) => _process = process;

    /// <summary>Ports and grain state folder of one embedded default; a restart reuses them.</summary>
    public sealed record Settings(int HttpPort, int SiloPort, int GatewayPort, string DataDirectory)
    {
        public static Settings Fresh(string dataDirectory) => new(FreePort.Next(), FreePort.Next(), FreePort.Next(), dataDirectory);

        public Uri BaseUri => new($"http://127.0.0.1:{HttpPort}");
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>The output so far (standard output and error, in arrival order).</summary>
    public string[] Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Starts the process and returns once it is ready (<c>/health/ready</c> answers 200).</summary>
    public static async Task<EmbeddedDefaultProcess> StartAsync(Settings settings)
    {
        var (dll, environment) = Locate();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[
                     dll,
                     "--urls", settings.BaseUri.ToString().TrimEnd('/'),
                     $"--Sente:Cluster:SiloPort={settings.SiloPort}",
                     $"--Sente:Cluster:GatewayPort={settings.GatewayPort}",
                     $"--Sente:Cluster:DataDirectory={settings.DataDirectory}"])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        var running = new EmbeddedDefaultProcess(new Process { StartInfo = start });
        running._process.OutputDataReceived += (_, e) => running.OnLine(e.Data);
        running._process.ErrorDataReceived += (_, e) => running.OnLine(e.Data);
        Assert.True(running._process.Start());
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        try
        {
            var exited = running._process.WaitForExitAsync();
            if (await Task.WhenAny(running._started.Task, exited).WaitAsync(TestTimeouts.Start) == exited)
            {
                // Output read asynchronously may still be arriving: the exit says the streams have ended.
                await exited;
                throw new InvalidOperationException($"The embedded default exited with code {running._process.ExitCode} before it started:\n" + string.Join("\n", running.Output));
            }

            using var http = new HttpClient { BaseAddress = settings.BaseUri, Timeout = TestTimeouts.Frame };
            await Eventually.HoldsAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ready => ready, "the embedded default is ready");
            return running;
        }
        catch (Exception e)
        {
            var output = running.Output;
            await running.DisposeAsync();
            if (e is InvalidOperationException)
            {
                throw;
            }

            throw new InvalidOperationException("The embedded default did not start:\n" + string.Join("\n", output), e);
        }
    }

    /// <summary>A stop asked for (SIGTERM, as an orchestrator or Ctrl-C sends); returns once the process has exited.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Frame);
        }

        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Start);
    }

    /// <summary>Lines that start with a warning or worse, each with the line after it (the message).</summary>
    public static IReadOnlyList<string> Warnings(string[] lines) =>
        [.. lines
            .Select((line, i) => (line, next: i + 1 < lines.Length ? lines[i + 1] : ""))
            .Where(l => l.line.StartsWith("warn:", StringComparison.Ordinal) || l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.StartsWith("crit:", StringComparison.Ordinal))
            .Select(l => $"{l.line} {l.next.Trim()}")];

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Frame);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.Contains("Application started.", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    /// <summary>The built front end next to this test build, and the environment its launch profile sets.</summary>
    private static (string Dll, IReadOnlyList<(string Name, string Value)> Environment) Locate()
    {
        var root = BadInputTableTests.RepositoryRoot();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(root, "src", "WebFrontend", "bin", configuration, "net10.0", "Orleans.Sente.WebFrontend.dll");
        Assert.True(File.Exists(dll), $"the embedded default is built with the tests: {dll}");
        using var launch = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "src", "WebFrontend", "Properties", "launchSettings.json")));
        var profile = launch.RootElement.GetProperty("profiles").EnumerateObject().First().Value;
        var environment = profile.GetProperty("environmentVariables").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToList();
        return (dll, environment);
    }
}
