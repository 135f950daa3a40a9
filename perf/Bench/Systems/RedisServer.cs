using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Systems;

/// <summary>A throw-away redis-server on a free loopback port, without persistence.</summary>
internal static class RedisServer
{
    private const string ReadyLine = "Ready to accept connections";

    public static async Task<(ManagedProcess Process, int Port)> StartAsync(SystemContext context, CancellationToken ct)
    {
        var executable = Find() ?? throw new InvalidOperationException(
            "redis-server not found; install it with: apt-get update && apt-get install -y redis-server");
        var port = FreePorts.Next();
        var process = ManagedProcess.Start("redis", isSystem: true, executable,
            ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--protected-mode", "no"], exitsOnStdinClose: false);
        try
        {
            await process.WaitForLineAsync(l => l.Contains(ReadyLine, StringComparison.Ordinal), context.ReadyTimeout, ct);
            return (process, port);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':')
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}
