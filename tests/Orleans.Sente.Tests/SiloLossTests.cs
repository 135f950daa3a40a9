using System.Net.WebSockets;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// Soft state is rebuilt, not lost: a silo leaves and pushes still reach connected clients. The silo
/// here stops gracefully (its host is stopped: it leaves the membership and deactivates its grains);
/// an in-process silo cannot be killed, so this does not show what a crash does (no goodbye, the
/// membership finding the silo dead by probes), which needs a silo in a process of its own.
/// </summary>
public sealed class SiloLossTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task After_a_silo_stops_gracefully_pushes_reach_every_connected_client_within_10_s_without_reconnecting()
    {
        await using var silo1 = await TestSilo.StartAsync(null);
        await using var silo2 = await TestSilo.StartAsync(silo1);
        await using var frontEnd1 = await TestFrontEnd.StartAsync([silo1, silo2]);
        await using var frontEnd2 = await TestFrontEnd.StartAsync([silo1, silo2]);
        var users = Enumerable.Range(0, 8).Select(i => $"loss-{i}-{Guid.NewGuid():N}"[..16]).ToArray();
        var clients = new List<(string User, TestClient Client)>();
        foreach (var user in users)
        {
            clients.Add((user, (await TestClient.ConnectAsync(frontEnd1, user)).Client));
            clients.Add((user, (await TestClient.ConnectAsync(frontEnd2, user)).Client));
        }

        try
        {
            // Every user grain is active somewhere; with random placement some live on silo 2.
            foreach (var user in users)
            {
                await frontEnd1.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/before"), PushOptions.Flushed);
            }

            foreach (var (_, client) in clients)
            {
                Assert.Equal("""[[[":test/before"]],null]""", await client.ReceiveAsync());
            }

            await silo2.StopAsync();

            var deadline = DateTime.UtcNow + Recovery;
            foreach (var user in users)
            {
                await PushWithRetryAsync(frontEnd2.Grains, user, deadline);
            }

            foreach (var (user, client) in clients)
            {
                var remaining = deadline - DateTime.UtcNow;
                Assert.True(remaining > TimeSpan.Zero, "recovery took longer than 10 s");
                Assert.Equal("""[[[":test/after"]],null]""", await client.ReceiveAsync(remaining));
                Assert.Equal(WebSocketState.Open, client.State);
            }

            // Presence is soft state too: shards that lived on the lost silo were rebuilt from the front ends.
            var connected = await frontEnd1.Grains.GetConnectedUidsAsync().WaitAsync(TestTimeouts.Frame);
            Assert.All(users, user => Assert.Contains(user, connected.Ws));
        }
        finally
        {
            foreach (var (_, client) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Callers need a bounded retry while the lost silo's grains move.</summary>
    private static async Task PushWithRetryAsync(IGrainFactory grains, string user, DateTime deadline)
    {
        while (true)
        {
            try
            {
                await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/after"), PushOptions.Flushed)
                    .WaitAsync(deadline - DateTime.UtcNow);
                return;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Yield();
            }
        }
    }
}
