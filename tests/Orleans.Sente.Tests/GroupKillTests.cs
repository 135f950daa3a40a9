using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.Placement;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// Groups through the loss of a silo and of a front end, on two silos and two front ends whose grain
/// state lives outside the silos (as Azure Storage does in a real cluster). Each test has a cluster of
/// its own: it breaks one part of it.
/// </summary>
public sealed class GroupKillTests
{
    /// <summary>Death detection (a probe every 2 s, three missed) and the grains moving, with a wide margin for a loaded machine.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    /// <summary>One push call's bound while the killed silo's grains move: a call that gets no answer is tried again.</summary>
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(5);

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task After_the_silo_holding_the_group_is_killed_its_members_stay_and_every_member_client_gets_each_push_accepted_after_once_in_order()
    {
        var store = new SharedGrainStore();
        void Configure(ISiloBuilder silo)
        {
            store.AddTo(silo);
            TestSilo.QuickDeathDetection(silo);
        }

        await using var silo1 = await TestSilo.StartAsync(null, configureSilo: Configure);
        await using var silo2 = await TestSilo.StartAsync(silo1, configureSilo: Configure);
        await using var frontEnd1 = await TestFrontEnd.StartAsync([silo1, silo2]);
        await using var frontEnd2 = await TestFrontEnd.StartAsync([silo1, silo2]);
        var name = Unique("room");
        var users = Enumerable.Range(1, 4).Select(i => Unique("u" + i)).ToArray();
        var group = silo1.Grains.GetGroupGrain(name);

        // The group activates on silo 2, the one that will be killed.
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo2.SiloAddress);
        try
        {
            await group.GetMembersAsync();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }

        var statistics = await silo1.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        Assert.Equal(silo2.SiloAddress, Assert.Single(statistics, s => s.GrainId == group.GetGrainId()).SiloAddress);

        foreach (var user in users)
        {
            await group.AddUserAsync(user);
        }

        var tabClient = Guid.NewGuid().ToString();
        await group.AddClientAsync(users[3], tabClient);

        // users[0..2] have tabs on either front end, users[2] on both; users[3] one member tab only.
        var tabs = new List<TestClient>
        {
            (await TestClient.ConnectAsync(frontEnd1, users[0])).Client,
            (await TestClient.ConnectAsync(frontEnd2, users[1])).Client,
            (await TestClient.ConnectAsync(frontEnd1, users[2])).Client,
            (await TestClient.ConnectAsync(frontEnd2, users[2], extraQuery: $"&{ResumePoint.Param}=")).Client,
            (await TestClient.ConnectAsync(frontEnd1, users[3], tabClient)).Client,
        };
        try
        {
            var seen = tabs.Select(_ => new GroupPushesSeen()).ToArray();
            Assert.Equal(new GroupPushResult(5, 2), await group.PushAsync(SenteEvent.Create("test/room", "before"), PushOptions.Flushed));
            for (var i = 0; i < tabs.Count; i++)
            {
                await seen[i].ReadUntilAsync(tabs[i], "before");
            }

            await silo2.KillAsync();

            // Each push is tried until a call is acknowledged; every attempt has its own data, so a
            // refused attempt that arrived all the same is told apart from a duplicate.
            var deadline = DateTime.UtcNow + Recovery;
            var acknowledged = new List<string>();
            var attempts = new HashSet<string>(StringComparer.Ordinal);
            for (var n = 1; n <= 5; n++)
            {
                for (var attempt = 1; ; attempt++)
                {
                    var data = string.Create(CultureInfo.InvariantCulture, $"after-{n}.{attempt}");
                    attempts.Add(data);
                    try
                    {
                        var result = await silo1.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", data), PushOptions.Flushed).WaitAsync(CallBound);
                        Assert.Equal(5, result.Members);
                        acknowledged.Add(data);
                        break;
                    }
                    catch (Exception e) when (e is OrleansException or TimeoutException && DateTime.UtcNow < deadline)
                    {
                        // The group's silo is not declared dead yet, or the group is moving.
                    }
                }
            }

            for (var i = 0; i < tabs.Count; i++)
            {
                await seen[i].ReadUntilAsync(tabs[i], acknowledged[^1]);
                var after = seen[i].Data.Skip(1).ToList();
                Assert.All(after, data => Assert.Contains(data, attempts));
                Assert.Equal(after.Distinct().Count(), after.Count);
                Assert.Equal(acknowledged, after.Where(acknowledged.Contains));
            }

            // The membership was read back from storage by the group's new activation.
            var members = await silo1.Grains.GetGroupGrain(name).GetMembersAsync();
            Assert.Equal(users.Order(StringComparer.Ordinal), members.UserIds);
            Assert.Equal(new GroupClient(users[3], tabClient), Assert.Single(members.Clients));
            Assert.Equal(2, (await silo1.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", "last"))).FrontEnds);
        }
        finally
        {
            foreach (var tab in tabs)
            {
                await tab.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task After_a_front_end_is_killed_its_member_clients_reconnect_to_the_other_and_lose_none_of_the_groups_pushes()
    {
        var store = new SharedGrainStore();
        await using var silo1 = await TestSilo.StartAsync(null, configureSilo: store.AddTo);
        await using var silo2 = await TestSilo.StartAsync(silo1, configureSilo: store.AddTo);
        await using var frontEnd1 = await TestFrontEnd.StartAsync([silo1, silo2]);
        await using var frontEnd2 = await TestFrontEnd.StartAsync([silo1, silo2]);
        var (a, b, c, name) = (Unique("a"), Unique("b"), Unique("c"), Unique("room"));
        var group = silo1.Grains.GetGroupGrain(name);
        await group.AddUserAsync(a);
        await group.AddUserAsync(b);
        var tabOfC = Guid.NewGuid().ToString();
        await group.AddClientAsync(c, tabOfC);

        // Front end 1 holds a tab with resume marks and a plain one, and c's member tab (marks);
        // front end 2 one of each.
        var marks = $"&{ResumePoint.Param}=";
        var onOne = new (string User, string? ClientId, bool Marks)[] { (a, null, true), (b, null, false), (c, tabOfC, true) };
        var onTwo = new (string User, string? ClientId, bool Marks)[] { (a, null, false), (b, null, true) };
        var first = new List<(TestClient Client, GroupPushesSeen Seen, bool Marks)>();
        var second = new List<(TestClient Client, GroupPushesSeen Seen, bool Marks)>();
        foreach (var (user, clientId, marked) in onOne)
        {
            first.Add(((await TestClient.ConnectAsync(frontEnd1, user, clientId, extraQuery: marked ? marks : "")).Client, new GroupPushesSeen(), marked));
        }

        foreach (var (user, clientId, marked) in onTwo)
        {
            second.Add(((await TestClient.ConnectAsync(frontEnd2, user, clientId, extraQuery: marked ? marks : "")).Client, new GroupPushesSeen(), marked));
        }

        var moved = new List<(TestClient Client, GroupPushesSeen Seen, bool Marks)>();
        try
        {
            // A stream of numbered pushes through silo 2; front end 1 dies after the 10th and its
            // sockets are cut after the 15th, while the stream goes on.
            const int Count = 40;
            var tenth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var fifteenth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var crashed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var stream = Task.Run(async () =>
            {
                for (var n = 1; n <= Count; n++)
                {
                    var result = await silo2.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/n", n.ToString(CultureInfo.InvariantCulture)), n % 4 == 0 ? PushOptions.Flushed : null);
                    Assert.Equal(3, result.Members);
                    (n == 10 ? tenth : n == 15 ? fifteenth : null)?.TrySetResult();
                    if (n == 10)
                    {
                        await crashed.Task;
                    }

                    await Task.Delay(20);
                }
            });

            await tenth.Task.WaitAsync(TestTimeouts.Frame);
            var cut = frontEnd1.App.Services.GetRequiredService<FrontEndConnections>().CrashForTests();
            crashed.TrySetResult();
            await fifteenth.Task.WaitAsync(TestTimeouts.Frame);
            cut();
            foreach (var (client, seen, _) in first)
            {
                await seen.ReadUntilClosedAsync(client);
            }

            // They reconnect to front end 2 at once, long before front end 1's lease expires.
            for (var i = 0; i < onOne.Length; i++)
            {
                var (client, seen, marked) = first[i];
                var query = marked ? $"&{ResumePoint.Param}={seen.Mark}" : "";
                moved.Add(((await TestClient.ConnectAsync(frontEnd2, onOne[i].User, client.ClientId, extraQuery: query)).Client, seen, marked));
            }

            await stream.WaitAsync(Recovery);
            var all = Enumerable.Range(1, Count).Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList();
            foreach (var (client, seen, marked) in moved.Concat(second))
            {
                await seen.ReadUntilAsync(client, all[^1]);
                if (marked || second.Any(s => s.Seen == seen))
                {
                    // Resume marks say what arrived; front end 2's tabs never left.
                    Assert.Equal(all, seen.Data);
                }
                else
                {
                    // A plain client whose front end died: what it had, then the group's window
                    // since its membership began again, then the rest. Nothing missing, in order.
                    var again = Math.Max(0, seen.Data.IndexOf("1", 1));
                    Assert.Equal(all.Take(again), seen.Data.Take(again));
                    Assert.Equal(all, seen.Data.Skip(again));
                }
            }
        }
        finally
        {
            foreach (var (client, _, _) in first.Concat(second).Concat(moved))
            {
                await client.DisposeAsync();
            }
        }
    }
}
