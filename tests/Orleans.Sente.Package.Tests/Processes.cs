using System.Diagnostics;
using System.Text;

namespace Orleans.Sente.Package.Tests;

/// <summary>Runs the command-line tools the tests drive (dotnet, npm, node) and reports their output on failure.</summary>
internal static class Processes
{
    public static async Task<string> RunAsync(string workingDirectory, TimeSpan timeout, string fileName, params string[] arguments)
    {
        var start = Start(workingDirectory, fileName, arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} took over {timeout}:\n{await stdout}\n{await stderr}");
        }

        var output = await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode} in {workingDirectory}:\n{output}\n{await stderr}");
        }

        return output;
    }

    public static ProcessStartInfo Start(string workingDirectory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";

        // A build started from a test inherits the test host's MSBuild settings otherwise.
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment.Remove("MSBuildExtensionsPath");
        return start;
    }
}
