using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// What is persisted, against a real Azurite: the durable offline inbox (Azure Table membership,
/// Azure Table or Blob grain storage) and the last-seen time.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DurableInboxTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Durable_pushes_to_an_offline_user_survive_a_restart_of_every_silo_and_arrive_in_order_on_the_next_connect()
    {
        var cluster = new AzureCluster(azurite.ConnectionString, SenteGrainStorageKind.Table);
        var user = "offline-" + Guid.NewGuid().ToString("N")[..8];
        var silo1 = await cluster.StartSiloAsync();
        var silo2 = await cluster.StartSiloAsync();
        var service = await cluster.StartClientAsync();
        var grains = service.Services.GetRequiredService<IClusterClient>();
        for (var n = 1; n <= 3; n++)
        {
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/kept", n), PushOptions.DurablePush);
        }

        // An ordinary push to an offline user is not kept.
        await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/lost"));
        await AzureCluster.StopAsync(service);
        await AzureCluster.StopAsync(silo2);
        await AzureCluster.StopAsync(silo1);

        // A cluster of new silos, with nothing in memory from the old ones.
        await using var restarted = new Restarted(await cluster.StartSiloAsync(), await cluster.StartSiloAsync(), await cluster.StartFrontEndAsync());
        await using var client = await WsClient.ConnectAsync(Chsk(restarted.FrontEnd, user));

        Assert.Equal(new[] { 1, 2, 3 }, await KeptNumbers(client, 3));

        // Taken once: the next thing the client sees is a live push, not the inbox again.
        await restarted.FrontEnd.Services.GetRequiredService<IGrainFactory>().GetUserGrain(user)
            .PushAsync(SenteEvent.Create("test/live"), PushOptions.Flushed);
        Assert.Equal(":test/live", (await client.NextEventAsync())[0].GetString());
    }

    [Fact]
    public async Task The_inbox_keeps_the_newest_pushes_up_to_its_limit_and_drops_those_past_their_age()
    {
        var cluster = new AzureCluster(azurite.ConnectionString, SenteGrainStorageKind.Table);
        var user = "bounded-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new ShiftedClock();
        await using var running = new Restarted(
            await cluster.StartSiloAsync(clock, ("InboxLimit", "3"), ("InboxMaxAge", "01:00:00")),
            null,
            await cluster.StartFrontEndAsync());
        var users = running.FrontEnd.Services.GetRequiredService<IGrainFactory>();

        // Two pushes that will be too old by the time the user connects...
        await users.GetUserGrain(user).PushAsync(SenteEvent.Create("test/kept", 1), PushOptions.DurablePush);
        await users.GetUserGrain(user).PushAsync(SenteEvent.Create("test/kept", 2), PushOptions.DurablePush);
        clock.Advance(TimeSpan.FromHours(2));

        // ...then four more into an inbox of three: the oldest of them falls out too.
        for (var n = 3; n <= 6; n++)
        {
            await users.GetUserGrain(user).PushAsync(SenteEvent.Create("test/kept", n), PushOptions.DurablePush);
        }

        await using var client = await WsClient.ConnectAsync(Chsk(running.FrontEnd, user));
        Assert.Equal(new[] { 4, 5, 6 }, await KeptNumbers(client, 3));
        await users.GetUserGrain(user).PushAsync(SenteEvent.Create("test/live"), PushOptions.Flushed);
        Assert.Equal(":test/live", (await client.NextEventAsync())[0].GetString());
    }

    [Fact]
    public async Task A_durable_push_held_for_a_parked_client_that_never_comes_back_waits_in_the_inbox()
    {
        var cluster = new AzureCluster(azurite.ConnectionString, SenteGrainStorageKind.Table);
        var user = "parked-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new ShiftedClock();
        // The front end's lease outlasts the clock's jump below: a lapsed lease would make the silo
        // treat the live front end as gone and hold the pushes meant for it. The replay window's
        // age must cover lease, refresh and grace (validated at start).
        await using var running = new Restarted(
            await cluster.StartSiloAsync(clock, ("WsCloseGrace", "01:00:00"), ("LeasePeriod", "03:00:00"), ("ReplayWindowMaxAge", "05:00:00")),
            null,
            await cluster.StartFrontEndAsync());
        var users = running.FrontEnd.Services.GetRequiredService<IGrainFactory>();
        var gone = await WsClient.ConnectAsync(Chsk(running.FrontEnd, user));
        await gone.DisposeAsync();

        // The client is parked (no route, inside its grace), so the push waits in its outbox...
        await Eventually(async () => (await users.GetUserGrain(user).GetClientIdsAsync()).IsEmpty ? DateTimeOffset.UtcNow : null);
        await users.GetUserGrain(user).PushAsync(SenteEvent.Create("test/kept", 1), PushOptions.DurablePush);

        // ...and when the grace runs out with nobody back, the user is offline: it moves to the inbox.
        clock.Advance(TimeSpan.FromHours(2));
        await Eventually(async () => await users.GetUserGrain(user).GetLastSeenAsync());
        await using var client = await WsClient.ConnectAsync(Chsk(running.FrontEnd, user));
        Assert.Equal(new[] { 1 }, await KeptNumbers(client, 1));
    }

    [Fact]
    public async Task Last_seen_is_written_when_the_last_client_leaves_and_read_back_after_a_restart()
    {
        var cluster = new AzureCluster(azurite.ConnectionString, SenteGrainStorageKind.Blob);
        var user = "seen-" + Guid.NewGuid().ToString("N")[..8];
        var silo = await cluster.StartSiloAsync(null, ("WsCloseGrace", "00:00:00.200"));
        var frontEnd = await cluster.StartFrontEndAsync();
        var users = frontEnd.Services.GetRequiredService<IGrainFactory>();
        Assert.Null(await users.GetUserGrain(user).GetLastSeenAsync());

        var before = DateTimeOffset.UtcNow;
        var client = await WsClient.ConnectAsync(Chsk(frontEnd, user));
        await client.DisposeAsync();

        // Written once the grace period has passed with no client back; bounded wait for it.
        var lastSeen = await Eventually(async () => await users.GetUserGrain(user).GetLastSeenAsync());
        Assert.InRange(lastSeen, before, DateTimeOffset.UtcNow);

        // It is in Blob storage, not in memory: a new silo reads the same time.
        await frontEnd.StopAsync();
        await frontEnd.DisposeAsync();
        await AzureCluster.StopAsync(silo);
        var silo2 = await cluster.StartSiloAsync();
        var service = await cluster.StartClientAsync();
        Assert.Equal(lastSeen, await service.Services.GetRequiredService<IClusterClient>().GetUserGrain(user).GetLastSeenAsync());
        await AzureCluster.StopAsync(service);
        await AzureCluster.StopAsync(silo2);
    }

    private static Uri Chsk(WebApplication frontEnd, string user) =>
        new UriBuilder(frontEnd.Urls.First()) { Scheme = "ws", Path = "/chsk", Query = $"uid={user}" }.Uri;

    private static async Task<int[]> KeptNumbers(WsClient client, int count)
    {
        var numbers = new int[count];
        for (var i = 0; i < count; i++)
        {
            var ev = await client.NextEventAsync();
            Assert.Equal(":test/kept", ev[0].GetString());
            numbers[i] = ev[1].GetInt32();
        }

        return numbers;
    }

    private static async Task<DateTimeOffset> Eventually(Func<Task<DateTimeOffset?>> read)
    {
        var deadline = DateTime.UtcNow + Timeouts.Frame;
        while (true)
        {
            if (await read() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "the state awaited did not come within the bound");
            await Task.Delay(Timeouts.Poll);
        }
    }

    /// <summary>Silos and a front end, stopped together at the end of a test.</summary>
    private sealed class Restarted(Microsoft.Extensions.Hosting.IHost silo1, Microsoft.Extensions.Hosting.IHost? silo2, WebApplication frontEnd) : IAsyncDisposable
    {
        public WebApplication FrontEnd => frontEnd;

        public async ValueTask DisposeAsync()
        {
            await frontEnd.StopAsync();
            await frontEnd.DisposeAsync();
            if (silo2 is not null)
            {
                await AzureCluster.StopAsync(silo2);
            }

            await AzureCluster.StopAsync(silo1);
        }
    }
}
