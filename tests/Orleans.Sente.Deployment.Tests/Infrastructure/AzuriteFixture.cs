using System.Diagnostics;
using System.Net.Sockets;

namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>
/// A real Azurite: the one <c>scripts/services.sh</c> started (<c>SENTE_TEST_AZURE_STORAGE</c>), or,
/// when that is unset, one started here from <c>tools/node_modules</c> on free loopback ports.
/// Never skipped: if Azurite cannot be had, every test that needs it fails with the reason.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "SENTE_TEST_AZURE_STORAGE";
    /// <summary>Azurite's well-known development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    private bool _own;

    /// <summary>An Azurite of the caller's own, whatever the environment says: for tests that stop it.</summary>
    public static async Task<AzuriteFixture> StartOwnAsync()
    {
        var azurite = new AzuriteFixture { _own = true };
        await azurite.InitializeAsync();
        return azurite;
    }

    public async Task InitializeAsync()
    {
        if (!_own && Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }

        var script = Path.Combine(Repo.Root, "tools", "node_modules", "azurite", "dist", "src", "azurite.js");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"Azurite is not installed ({script} missing): run scripts/install.sh (npm ci in tools/).");
        }

        await StartProcessAsync(script, _ports ??= (FreePort.Next(), FreePort.Next(), FreePort.Next()));
    }

    private (int Blob, int Queue, int Table)? _ports;

    /// <summary>Starts Azurite again, empty, on the same ports (after <see cref="DisposeAsync"/>).</summary>
    public async Task RestartAsync()
    {
        await DisposeAsync();
        await StartProcessAsync(Path.Combine(Repo.Root, "tools", "node_modules", "azurite", "dist", "src", "azurite.js"), _ports!.Value);
    }

    private async Task StartProcessAsync(string script, (int Blob, int Queue, int Table) ports)
    {
        var (blob, queue, table) = ports;
        var workDir = Directory.CreateTempSubdirectory("sente-azurite-").FullName;
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])[script, "--inMemoryPersistence", "--silent", "--loose", "--skipApiVersionCheck", "--disableTelemetry",
                     "--blobHost", "127.0.0.1", "--blobPort", $"{blob}", "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
                     "--tableHost", "127.0.0.1", "--tablePort", $"{table}"])
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitListeningAsync(blob);
        await WaitListeningAsync(table);
        ConnectionString = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{queue}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{table}/devstoreaccount1;";
    }

    /// <summary>Freezes Azurite (SIGSTOP): it keeps its sockets and answers nothing, as storage that hangs does.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>Lets a paused Azurite run again (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    private void Signal(string signal)
    {
        if (_process is not { HasExited: false } process)
        {
            throw new InvalidOperationException("This Azurite is not a process of this fixture (or has exited).");
        }

        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} exited with {kill.ExitCode}.");
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        _process = null;
    }

    private async Task WaitListeningAsync(int port)
    {
        var deadline = DateTime.UtcNow + Timeouts.Start;
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(2));
                return;
            }
            catch (Exception e) when (e is SocketException or TimeoutException && DateTime.UtcNow < deadline)
            {
                // Azurite is still starting; try again until the deadline.
                await Task.Delay(Timeouts.Poll);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
