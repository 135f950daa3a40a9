using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// Storage that is wrong or goes away: a process that cannot start says why and exits non-zero;
/// an outage while running costs the durable inbox only, never the live pushes, and a durable push
/// that needs storage fails within the inbox's bound rather than hanging.
/// </summary>
public sealed class StorageFailureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(90);

    // How long the inbox may take to keep a durable push (Sente:Grains:InboxKeepTimeout here), and
    // what a loaded machine adds to it: together well short of Orleans' 30 s response timeout.
    private static readonly TimeSpan KeepBound = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan KeepSlack = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_silo_with_a_malformed_connection_string_exits_1_saying_so()
    {
        var (code, error) = await RunSiloAsync("--Sente:Cluster:ConnectionString=not-a-connection-string");

        Assert.Equal(1, code);
        Assert.Contains("Orleans.Sente silo stopped: Sente:Cluster:ConnectionString is not an Azure Storage connection string.", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silo_whose_storage_is_out_of_reach_exits_1_saying_so_instead_of_hanging()
    {
        var nobody = FreePort.Next();
        var unreachable = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteFixture.AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{nobody}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{nobody}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{nobody}/devstoreaccount1;";

        var (code, error) = await RunSiloAsync($"--Sente:Cluster:ConnectionString={unreachable}");

        Assert.Equal(1, code);
        Assert.Contains("Orleans.Sente silo stopped:", error, StringComparison.Ordinal);
        Assert.Contains($"Connection refused (127.0.0.1:{nobody})", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_storage_outage_fails_durable_pushes_to_offline_users_and_leaves_live_pushes_alone()
    {
        var azurite = await AzuriteFixture.StartOwnAsync();
        var cluster = new AzureCluster(azurite.ConnectionString);
        var silo = await cluster.StartSiloAsync(null, ("InboxKeepTimeout", KeepBound.ToString()));
        var frontEnd = await cluster.StartFrontEndAsync();
        var user = "live-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await using var client = await WsClient.ConnectAsync(
                new UriBuilder(frontEnd.Urls.First()) { Scheme = "ws", Path = "/chsk", Query = $"uid={user}" }.Uri);
            var grains = frontEnd.Services.GetRequiredService<IGrainFactory>();
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/before", 1), PushOptions.Flushed);
            Assert.Equal(":test/before", (await client.NextEventAsync())[0].GetString());

            // Storage stops answering (its process is stopped): calls to it hang rather than fail.
            azurite.Pause();

            // Live pushes never touch storage.
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/during", 2), PushOptions.Flushed).WaitAsync(Timeouts.Frame);
            Assert.Equal(":test/during", (await client.NextEventAsync())[0].GetString());

            // A durable push to a connected user is delivered live; to an offline user it needs
            // storage, and the caller is told it failed.
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/durable-live", 3), new PushOptions(Flush: true, Durable: true)).WaitAsync(Timeouts.Frame);
            Assert.Equal(":test/durable-live", (await client.NextEventAsync())[0].GetString());
            // It must fail fast, within the inbox's bound, saying why: not hang until Orleans' response
            // timeout (a TimeoutException) or the test's own bound.
            var offline = Stopwatch.StartNew();
            var refused = await Record.ExceptionAsync(() =>
                grains.GetUserGrain("offline-" + user).PushAsync(SenteEvent.Create("test/kept"), PushOptions.DurablePush).WaitAsync(Timeouts.Start));
            output.WriteLine($"the durable push to an offline user failed after {offline.Elapsed.TotalSeconds:F1} s: {refused?.GetType().Name}: {refused?.Message}");
            Assert.IsNotType<TimeoutException>(refused);
            Assert.Contains("InboxKeepTimeout", Assert.IsType<SenteInboxUnavailableException>(refused).Message, StringComparison.Ordinal);
            Assert.True(offline.Elapsed < KeepBound + KeepSlack, $"the durable push took {offline.Elapsed.TotalSeconds:F1} s to fail, past the inbox's bound of {KeepBound.TotalSeconds} s");
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/after", 4), PushOptions.Flushed).WaitAsync(Timeouts.Frame);
            Assert.Equal(":test/after", (await client.NextEventAsync())[0].GetString());
        }
        finally
        {
            var stopping = Stopwatch.StartNew();
            await frontEnd.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
            output.WriteLine($"front end stopped in {stopping.Elapsed.TotalSeconds:F1} s");

            // A silo whose storage vanished under an activation in progress takes two minutes to
            // stop (its storage calls time out first); the test does not wait for that, and the
            // test process ends it.
            _ = silo.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token).ContinueWith(_ => silo.Dispose(), TaskScheduler.Default);
            await azurite.DisposeAsync();
        }
    }

    /// <summary>Runs the built silo against Azure Storage settings; returns its exit code and standard error.</summary>
    private static async Task<(int Code, string Error)> RunSiloAsync(string connectionArgument)
    {
        var dll = Path.Combine(Repo.Root, "src", "Silo", "bin", Repo.Configuration, "net10.0", "Orleans.Sente.Silo.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])[dll, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=None",
                     "--Sente:Cluster:Mode=AzureStorage", connectionArgument,
                     $"--Sente:Silo:SiloPort={FreePort.Next()}", $"--Sente:Silo:GatewayPort={FreePort.Next()}"])
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ExitBound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The silo did not exit within {ExitBound.TotalSeconds} s: it hangs instead of failing.");
        }

        await output;
        return (process.ExitCode, await error);
    }
}
