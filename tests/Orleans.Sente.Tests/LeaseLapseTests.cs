using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Orleans.Sente.Tests;

/// <summary>
/// Two silos and two front ends with production timings (6 s leases renewed every 2 s, 2.5 s
/// WebSocket grace), uidport events recorded. Its tests stop a front end's lease renewals (no
/// goodbye), so the lease really expires; a cluster of its own, since the silos then count a
/// front end as gone.
/// </summary>
public sealed class LeaseLapseFixture : TwoByTwoClusterFixture
{
}

[CollectionDefinition(Name)]
public sealed class LeaseLapseCollection : ICollectionFixture<LeaseLapseFixture>
{
    public const string Name = "lease-lapse cluster";
}

[Collection(LeaseLapseCollection.Name)]
public sealed class LeaseLapseTests(LeaseLapseFixture cluster, ITestOutputHelper output)
{
    /// <summary>Lease (6 s) + one directory refresh (2 s) + WebSocket grace (2.5 s), with a wide margin for a loaded machine.</summary>
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(40);

    /// <summary>How often a bounded wait asks again for state no event announces (a parked route).</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task A_front_end_whose_lease_expires_has_its_idle_users_closed_with_no_push_and_gets_them_back_when_it_renews()
    {
        var idle = "ida-" + Guid.NewGuid().ToString("N")[..8];
        var other = "oto-" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, idle);
        await using var _client = client;
        var (bystander, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, other);
        await using var _bystander = bystander;
        Assert.StartsWith($"open {idle} ", await cluster.UidPorts.NextAsync(idle));
        Assert.StartsWith($"open {other} ", await cluster.UidPorts.NextAsync(other));
        var frontEnd1 = cluster.FrontEnd1.App.Services.GetRequiredService<FrontEndConnections>();
        var grains = cluster.Silo1.Grains;

        // Front end 1 goes silent: no renewal, no goodbye. Nobody pushes to the idle user.
        var watch = Stopwatch.StartNew();
        frontEnd1.PauseRenewals();
        try
        {
            Assert.Equal($"close {idle} {idle}", await cluster.UidPorts.NextAsync(idle, Detection));
            output.WriteLine($"uidport-close after {watch.Elapsed.TotalSeconds:F1} s (lease 6 s, refresh 2 s, grace 2.5 s)");
            var uids = await grains.GetConnectedUidsAsync().WaitAsync(TestTimeouts.Frame);
            Assert.DoesNotContain(idle, uids.Any);
            Assert.Contains(other, uids.Any);
            Assert.Equal(["test/still-here"], await PushAndReadAsync(grains, other, bystander, "test/still-here"));
        }
        finally
        {
            frontEnd1.ResumeRenewals();
        }

        // Its next renewal is told it had been counted as gone: it attaches its open connections
        // again, the user is online again, and pushes flow.
        Assert.StartsWith($"open {idle} ", await cluster.UidPorts.NextAsync(idle, Detection));
        await Eventually.HoldsAsync(() => grains.GetConnectedUidsAsync(), u => u.Any.Contains(idle), "the user is listed again");
        Assert.Equal(["test/after-lapse"], await PushAndReadAsync(grains, idle, client, "test/after-lapse"));
    }

    [Fact]
    public async Task A_connection_attached_again_after_a_newer_one_took_its_client_is_closed()
    {
        var user = "hal-" + Guid.NewGuid().ToString("N")[..8];
        var (old, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, user);
        await using var _old = old;
        var frontEnd1 = cluster.FrontEnd1.App.Services.GetRequiredService<FrontEndConnections>();
        var grains = cluster.Silo1.Grains;
        Assert.Equal(["test/before"], await PushAndReadAsync(grains, user, old, "test/before"));

        // Front end 1's lease expires; the silos park its routes.
        frontEnd1.PauseRenewals();
        try
        {
            var parked = Stopwatch.StartNew();
            while (!(await grains.GetUserGrain(user).GetClientIdsAsync()).IsEmpty)
            {
                Assert.True(parked.Elapsed < Detection, "the route through the silent front end was parked");
                await Task.Delay(Poll);
            }

            // While front end 1 was counted as gone, the same client connected through front end 2.
            var (newer, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, user, clientId: old.ClientId);
            await using var _newer = newer;
            frontEnd1.ResumeRenewals();

            // Front end 1 attaches its connection again on its next renewal: the newer one keeps the client.
            await old.WaitClosedAsync();
            Assert.Equal("replaced by a newer connection of this client", old.CloseReason);

            // This raw client sends no resume mark, so the newer connection got the client's replay
            // window first (what went to the front end counted as gone may never have been written).
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/newest"), PushOptions.Flushed);
            var seen = new List<string>();
            while (!seen.Contains("test/newest"))
            {
                var frame = System.Text.Json.JsonDocument.Parse(await newer.ReceiveAsync()).RootElement;
                seen.AddRange(frame[0].EnumerateArray().Select(e => e[0].GetString()![1..]));
            }

            Assert.Equal(["test/before", "test/newest"], seen);
        }
        finally
        {
            frontEnd1.ResumeRenewals();
        }
    }

    /// <summary>Pushes one event and returns the ids of the events in the next push frame.</summary>
    private static async Task<string[]> PushAndReadAsync(IGrainFactory grains, string user, TestClient client, string id)
    {
        await grains.GetUserGrain(user).PushAsync(SenteEvent.Create(id), PushOptions.Flushed);
        var frame = System.Text.Json.JsonDocument.Parse(await client.ReceiveAsync()).RootElement;
        return frame[0].EnumerateArray().Select(e => e[0].GetString()![1..]).ToArray();
    }
}
