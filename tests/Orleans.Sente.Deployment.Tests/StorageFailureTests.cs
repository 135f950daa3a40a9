using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// Storage that is wrong or goes away: a process that cannot start says why and exits non-zero;
/// an outage while running costs the durable inbox only, never the live pushes.
/// </summary>
public sealed class StorageFailureTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(90);

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
        var silo = await cluster.StartSiloAsync();
        var frontEnd = await cluster.StartFrontEndAsync();
        var user = "live-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await using var client = await WsClient.ConnectAsync(
                new UriBuilder(frontEnd.Urls.First()) { Scheme = "ws", Path = "/chsk", Query = $"uid={user}" }.Uri);
            var grains = frontEnd.Services.GetRequiredService<IGrainFactory>();
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/before", 1), PushOptions.Flushed);
            Assert.Equal(":test/before", (await client.NextEventAsync())[0].GetString());

            await azurite.DisposeAsync();
            var outage = Stopwatch.StartNew();

            // Live pushes never touch storage.
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/during", 2), PushOptions.Flushed).WaitAsync(Timeouts.Frame);
            Assert.Equal(":test/during", (await client.NextEventAsync())[0].GetString());

            // A durable push to a connected user is delivered live; to an offline user it needs
            // storage, and the caller is told it failed.
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/durable-live", 3), new PushOptions(Flush: true, Durable: true)).WaitAsync(Timeouts.Frame);
            Assert.Equal(":test/durable-live", (await client.NextEventAsync())[0].GetString());
            // It must fail, not hang: a TimeoutException here is the test's own bound expiring.
            var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
                grains.GetUserGrain("offline-" + user).PushAsync(SenteEvent.Create("test/kept"), PushOptions.DurablePush).WaitAsync(Timeouts.Start));
            Assert.False(refused is TimeoutException && outage.Elapsed >= Timeouts.Start, $"the durable push hung for {outage.Elapsed.TotalSeconds:F0} s");

            output.WriteLine($"the durable push to an offline user failed {outage.Elapsed.TotalSeconds:F1} s into the outage");
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
