using System.Collections.Immutable;
using Orleans.Core.Internal;
using Orleans.Sente.Grains;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// A user grain that Orleans collects or deactivates while its user has clients must not lose
/// them: presence, connected-uids, last-seen and parked clients' outboxes stay right. Collection is
/// forced (<see cref="IManagementGrain.ForceActivationCollection(TimeSpan)"/> with an age of zero on
/// every silo) rather than waited for. Absence of an event is shown by order: the next uidport
/// event about the user must be the expected one.
/// </summary>
[Collection(CollectionClusterCollection.Name)]
public sealed class UserGrainCollectionTests(CollectionClusterFixture cluster)
{
    private IGrainFactory Grains => cluster.Silo1.Grains;

    [Fact]
    public async Task After_a_forced_collection_a_second_tab_opens_nothing_and_the_last_close_closes_once()
    {
        var uid = "cole-" + Guid.NewGuid().ToString("N")[..8];
        var (tab1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, uid, clientId: "c1-" + uid);
        Assert.Equal($"open {uid} {uid} c1-{uid}", await cluster.UidPorts.NextAsync(uid));

        await ForceCollectionAsync();

        var (tab2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, uid, clientId: "c2-" + uid);
        await AssertConnectedAsync(uid, true);
        var leaving = DateTimeOffset.UtcNow;
        await tab1.DisposeAsync();
        await tab2.DisposeAsync();

        // A second uidport-open would come before this close.
        Assert.Equal($"close {uid} {uid}", await cluster.UidPorts.NextAsync(uid));
        await AssertConnectedAsync(uid, false);
        await AssertLastSeenAsync(uid, leaving);
    }

    [Fact]
    public async Task After_a_forced_collection_the_only_tab_leaving_closes_the_user_and_writes_last_seen()
    {
        var uid = "cody-" + Guid.NewGuid().ToString("N")[..8];
        var (tab, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, uid);
        Assert.StartsWith($"open {uid} ", await cluster.UidPorts.NextAsync(uid));

        await ForceCollectionAsync();

        var leaving = DateTimeOffset.UtcNow;
        await tab.DisposeAsync();
        Assert.Equal($"close {uid} {uid}", await cluster.UidPorts.NextAsync(uid));
        await AssertConnectedAsync(uid, false);
        await AssertLastSeenAsync(uid, leaving);
    }

    [Fact]
    public async Task A_parked_clients_outbox_survives_a_forced_collection()
    {
        var uid = "cora-" + Guid.NewGuid().ToString("N")[..8];
        var (tab, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, uid);
        var clientId = tab.ClientId;
        Assert.StartsWith($"open {uid} ", await cluster.UidPorts.NextAsync(uid));
        await tab.DisposeAsync();
        await Eventually.HoldsAsync(() => Grains.GetUserGrain(uid).GetClientIdsAsync(), ids => ids.IsEmpty, "the client is parked");
        await Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("test/held"), PushOptions.Flushed);

        await ForceCollectionAsync();

        var (back, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, uid, clientId: clientId);
        await using var _back = back;
        Assert.Equal("""[[[":test/held"]],null]""", await back.ReceiveAsync());
        await AssertConnectedAsync(uid, true);
    }

    /// <summary>
    /// The user grain is deactivated while its client is connected (as a silo shutting down does),
    /// and the client's close reaches the new activation while it is still asking the front ends
    /// for their clients. The front end here is a stand-in registered in the real registry through
    /// a real Orleans client, which answers the rebuild only when the test lets it, with the route
    /// it held when it was asked.
    /// </summary>
    [Fact]
    public async Task A_detach_that_races_the_rebuild_of_a_new_activation_is_not_undone_by_it()
    {
        var uid = "cyd-" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await TestClusterClient.StartAsync(cluster.Silos);
        var frontEnd = new HeldFrontEnd(uid);
        var reference = client.Grains.CreateObjectReference<IFrontEndObserver>(frontEnd);
        var frontEndId = "held-" + uid;
        await client.Grains.GetFrontEndLeases().RenewAsync(frontEndId, reference);
        try
        {
            var route = new ClientRoute(frontEndId, 1, SenteTransport.WebSocket, uid, "c-" + uid, reference);
            frontEnd.Route = route;
            var user = client.Grains.GetUserGrain(uid);
            var routing = client.Grains.GetUserRoutingGrain(uid);
            await routing.AttachAsync(route);
            await user.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

            // The connection closes: its detach activates the grain, whose rebuild asks the front end.
            var detach = routing.DetachAsync(route.ClientId, frontEndId, route.ConnectionId);
            await frontEnd.Asked.Task.WaitAsync(TestTimeouts.Frame);
            frontEnd.Answer.SetResult();
            await detach.WaitAsync(TestTimeouts.Frame);

            Assert.Empty(await user.GetClientIdsAsync());
            Assert.True(await frontEnd.Closed.Task.WaitAsync(TestTimeouts.Frame), "uidport-close ran");
            await AssertConnectedAsync(uid, false);
        }
        finally
        {
            await client.Grains.GetFrontEndLeases().RemoveAsync(frontEndId);
        }
    }

    /// <summary>
    /// After a silo loss, a front end may be too busy to answer the new activation's rebuild within
    /// its bound. The rebuild asks again rather than concluding its client is gone, so pushes reach
    /// the client (whose socket never closed, so it would not reconnect) and the user stays online.
    /// The front end is a stand-in registered in the real registry through a real Orleans client.
    /// </summary>
    [Fact]
    public async Task A_front_end_that_misses_the_rebuilds_first_bound_still_has_its_client_found()
    {
        var uid = "cyra-" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await TestClusterClient.StartAsync(cluster.Silos);
        var frontEnd = new HeldFrontEnd(uid) { MissFirstAsk = true };
        frontEnd.Answer.SetResult();
        var reference = client.Grains.CreateObjectReference<IFrontEndObserver>(frontEnd);
        var frontEndId = "slow-" + uid;
        await client.Grains.GetFrontEndLeases().RenewAsync(frontEndId, reference);
        try
        {
            var route = new ClientRoute(frontEndId, 1, SenteTransport.WebSocket, uid, "c-" + uid, reference);
            frontEnd.Route = route;
            var user = client.Grains.GetUserGrain(uid);
            await client.Grains.GetUserRoutingGrain(uid).AttachAsync(route);
            await user.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

            // The push activates the grain again; its rebuild's first question goes unanswered.
            await user.PushAsync(SenteEvent.Create("test/after-rebuild"), PushOptions.Flushed).WaitAsync(TestTimeouts.Frame);
            var delivery = await frontEnd.Delivered.Task.WaitAsync(TestTimeouts.Frame);
            Assert.Equal(":test/after-rebuild", delivery.Event.Id.ToString());
            Assert.Equal(route.ClientId, Assert.Single(await user.GetClientIdsAsync()));
            await AssertConnectedAsync(uid, true);
            Assert.True(frontEnd.Asks >= 2, $"the new activation asked {frontEnd.Asks} time(s)");
        }
        finally
        {
            await frontEnd.Closing.CancelAsync();
            await client.Grains.GetFrontEndLeases().RemoveAsync(frontEndId);
        }
    }

    /// <summary>
    /// A user coming online costs no question to the front ends, however many there are: its
    /// presence shard does not list it, so no front end can hold a client of it. An activation that
    /// replaces one lost with a client (deactivated here, as a silo shutting down does) finds the
    /// user listed and asks them, and the push reaches the client. The front end is a stand-in
    /// registered in the real registry through a real Orleans client, counting the questions.
    /// </summary>
    [Fact]
    public async Task A_user_coming_online_asks_no_front_end_and_an_activation_that_replaces_a_lost_one_asks_them()
    {
        var uid = "cyan-" + Guid.NewGuid().ToString("N")[..8];
        await using var client = await TestClusterClient.StartAsync(cluster.Silos);
        var frontEnd = new HeldFrontEnd(uid);
        frontEnd.Answer.SetResult();
        var reference = client.Grains.CreateObjectReference<IFrontEndObserver>(frontEnd);
        var frontEndId = "count-" + uid;
        await client.Grains.GetFrontEndLeases().RenewAsync(frontEndId, reference);
        try
        {
            var route = new ClientRoute(frontEndId, 1, SenteTransport.WebSocket, uid, "c-" + uid, reference);
            var user = client.Grains.GetUserGrain(uid);
            Assert.False(await client.Grains.GetUserRoutingGrain(uid).AttachAsync(route));
            frontEnd.Route = route;
            await AssertConnectedAsync(uid, true);
            Assert.Equal(0, frontEnd.Asks);

            await user.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            await user.PushAsync(SenteEvent.Create("test/after-loss"), PushOptions.Flushed).WaitAsync(TestTimeouts.Frame);
            var delivery = await frontEnd.Delivered.Task.WaitAsync(TestTimeouts.Frame);
            Assert.Equal(":test/after-loss", delivery.Event.Id.ToString());
            Assert.Equal(1, frontEnd.Asks);
            Assert.Equal(route.ClientId, Assert.Single(await user.GetClientIdsAsync()));
        }
        finally
        {
            await client.Grains.GetFrontEndLeases().RemoveAsync(frontEndId);
        }
    }

    /// <summary>Collects every idle activation on every silo, and shows that it did on a probe grain.</summary>
    private async Task ForceCollectionAsync()
    {
        var probe = Grains.GetGrain<IActivationProbeGrain>(Guid.NewGuid());
        var before = await probe.GetActivationAsync();
        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.NotEqual(before, await probe.GetActivationAsync());
    }

    private Task AssertConnectedAsync(string uid, bool connected) =>
        Eventually.HoldsAsync(
            () => Grains.GetConnectedUidsAsync(),
            uids => uids.Any.Contains(uid) == connected,
            $"connected-uids shows {uid} as {(connected ? "connected" : "gone")}");

    private Task AssertLastSeenAsync(string uid, DateTimeOffset notBefore) =>
        Eventually.HoldsAsync(
            () => Grains.GetUserGrain(uid).GetLastSeenAsync(),
            at => at >= notBefore,
            $"the last-seen time of {uid} is written");

    /// <summary>A front end that answers a rebuild's question about its user only when released.</summary>
    private sealed class HeldFrontEnd(string uid) : IFrontEndObserver
    {
        public ClientRoute? Route { get; set; }

        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>
        /// When set, the first question about the user is answered late (empty), after the rebuild's
        /// bound: a front end too busy to answer in time. Calls to one observer run one at a time,
        /// so the rebuild's next question waits behind this one, as it would on a busy front end.
        /// </summary>
        public bool MissFirstAsk { get; init; }

        public TaskCompletionSource<Delivery> Delivered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private int _asks;

        /// <summary>How many times the user's routes were asked for.</summary>
        public int Asks => Volatile.Read(ref _asks);

        public async Task<ImmutableArray<ClientRoute>> GetRoutesOfUserAsync(string? userId)
        {
            if (userId != uid)
            {
                return [];
            }

            var ask = Interlocked.Increment(ref _asks);
            if (Route is null)
            {
                return [];
            }

            if (ask == 1 && MissFirstAsk)
            {
                await Task.Delay(SenteGrainOptions.DefaultRebuildTimeout + TimeSpan.FromSeconds(1), Closing.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                return [];
            }

            Asked.TrySetResult();
            await Answer.Task;
            return [Route];
        }

        /// <summary>Ends the unanswered question when the test is done.</summary>
        public CancellationTokenSource Closing { get; } = new();

        public Task UidPortAsync(string? userId, string clientId, SenteTransport transport, bool open)
        {
            if (userId == uid && !open)
            {
                Closed.TrySetResult(true);
            }

            return Task.CompletedTask;
        }

        public Task DeliverAsync(Delivery delivery)
        {
            Delivered.TrySetResult(delivery);
            return Task.CompletedTask;
        }

        public Task DeliverManyAsync(ImmutableArray<Delivery> deliveries)
        {
            foreach (var delivery in deliveries)
            {
                Delivered.TrySetResult(delivery);
            }

            return Task.CompletedTask;
        }

        public Task BroadcastAsync(SenteEvent @event, bool flush) => Task.CompletedTask;

        public Task DeliverGroupAsync(GroupDelivery delivery) => Task.CompletedTask;

        public Task UserGroupsChangedAsync(string? userId, UserGroups groups) => Task.CompletedTask;

        public Task<bool> HasGroupMembersAsync(string groupKey) => Task.FromResult(false);

        public Task<ImmutableDictionary<string, GroupPosition>?> ReleaseGroupsAsync(long connectionId) =>
            Task.FromResult<ImmutableDictionary<string, GroupPosition>?>(null);

        public Task<ImmutableArray<PresenceUpdate>> GetPresenceOfShardAsync(int shard, int shardCount) => Task.FromResult(ImmutableArray<PresenceUpdate>.Empty);

        public Task CloseAsync(long connectionId, string reason) => Task.CompletedTask;

        public Task<AjaxHandover> ReleaseAjaxAsync(long connectionId, long epoch) => Task.FromResult(AjaxHandover.Nothing);
    }
}
