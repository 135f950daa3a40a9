using System.Diagnostics;
using System.Text.Json;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// The embedded default as a person starts it (<c>dotnet run --project src/WebFrontend</c>): the
/// built front end in its own process, with its launch profile's environment, on free ports.
/// </summary>
public sealed class EmbeddedDefaultStartTests
{
    /// <summary>
    /// Warnings a clean start may print because the user can act on them. None today: every warning
    /// of a clean start is either fixed or, where the user could do nothing about it, left out by
    /// the embedded default's log levels (<c>SenteLoggingDefaults</c>).
    /// </summary>
    private static readonly string[] ActionableWarnings = [];

    [Fact]
    public async Task A_clean_start_of_the_embedded_default_runs_as_Development_prints_no_warning_up_to_ready_and_a_stop_exits_0()
    {
        var (dll, environment) = EmbeddedDefault();
        var port = FreePort.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[dll, "--urls", $"http://127.0.0.1:{port}", $"--Sente:Cluster:SiloPort={FreePort.Next()}", $"--Sente:Cluster:GatewayPort={FreePort.Next()}"])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["NO_COLOR"] = "1";
        var output = new List<string>();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(line);
            }

            if (line.Contains("Application started.", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.Task.WaitAsync(TestTimeouts.Start);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.HoldsAsync(async () => (await http.GetAsync("/health/ready")).IsSuccessStatusCode, ready => ready, "the embedded default is ready");
            Assert.True((await http.GetAsync("/")).IsSuccessStatusCode);

            string[] upToReady;
            lock (output)
            {
                upToReady = [.. output];
            }

            Assert.Contains(upToReady, l => l.Contains("Hosting environment: Development", StringComparison.Ordinal));
            var warnings = upToReady
                .Select((line, i) => (line, next: i + 1 < upToReady.Length ? upToReady[i + 1] : ""))
                .Where(l => l.line.StartsWith("warn:", StringComparison.Ordinal) || l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.StartsWith("crit:", StringComparison.Ordinal))
                .Select(l => $"{l.line} {l.next.Trim()}")
                .Where(w => !ActionableWarnings.Any(a => w.Contains(a, StringComparison.Ordinal)))
                .ToList();
            Assert.True(warnings.Count == 0, "Warnings on a clean start:\n" + string.Join("\n", warnings));

            // A stop asked for (SIGTERM, as an orchestrator or Ctrl-C sends) is not a failure.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Frame);
            }

            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Start);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The built front end next to this test build, and the environment its launch profile sets.</summary>
    private static (string Dll, IReadOnlyList<(string Name, string Value)> Environment) EmbeddedDefault()
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
