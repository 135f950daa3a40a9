using Orleans.Core.Internal;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>Groups on two silos and two front ends: membership, order, once each, client joins.</summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupTests(ClusterFixture cluster)
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_group_push_reaches_every_tab_of_every_member_on_both_front_ends_in_order_once_each()
    {
        var (alice, bob, carol) = (Unique("alice"), Unique("bob"), Unique("carol"));
        var (a1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, alice);
        var (a2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, alice);
        var (b1, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, bob);
        var (c1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, carol);
        await using var _a1 = a1;
        await using var _a2 = a2;
        await using var _b1 = b1;
        await using var _c1 = c1;
        var name = Unique("room");

        // Members added while connected: their front ends learn it before the add completes.
        await cluster.Silo1.Grains.GetGroupGrain(name).AddUserAsync(alice);
        await cluster.Silo2.Grains.GetGroupGrain(name).AddUserAsync(bob);

        const int Count = 30;
        GroupPushResult? last = null;
        for (var i = 1; i <= Count; i++)
        {
            // From both silos in turn, batched and flushed: many paths, one order.
            var silo = i % 2 == 0 ? cluster.Silo1 : cluster.Silo2;
            last = await silo.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", i), i % 3 == 0 ? PushOptions.Flushed : null);
        }

        Assert.Equal(new GroupPushResult(2, 2), last);
        var expected = Enumerable.Range(1, Count).Select(i => ("test/room", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        foreach (var tab in new[] { a1, a2, b1 })
        {
            Assert.Equal(expected, (await tab.ReceivePushesAsync(Count)).Select(p => (p.Id.TrimStart(':'), p.Data)).ToList());
        }

        // A non-member got none of them: the first push it sees is one to itself.
        await cluster.Silo1.Grains.GetUserGrain(carol).PushAsync(SenteEvent.Create("test/direct", "only-this"), PushOptions.Flushed);
        Assert.Equal((":test/direct", "only-this"), (await c1.ReceivePushesAsync(1))[0]);

        var members = await cluster.Silo2.Grains.GetGroupGrain(name).GetMembersAsync();
        Assert.Equal([alice, bob], members.UserIds.Order(StringComparer.Ordinal));
        Assert.Empty(members.Clients);
    }

    [Fact]
    public async Task Membership_outlives_connections_and_a_later_connection_gets_the_group_pushes()
    {
        var (dana, name) = (Unique("dana"), Unique("topic"));
        await cluster.Silo1.Grains.GetGroupGrain(name).AddUserAsync(dana);

        // Dana connects only now, to either front end: each learns her groups on her first connection.
        var (d1, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, dana);
        await using var _d1 = d1;
        Assert.Equal(1, (await cluster.Silo2.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/topic", "first"), PushOptions.Flushed)).Members);
        Assert.Equal((":test/topic", "first"), (await d1.ReceivePushesAsync(1))[0]);

        await d1.DisposeAsync();
        var (d2, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, dana);
        await using var _d2 = d2;
        await cluster.Silo1.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/topic", "second"), PushOptions.Flushed);
        Assert.Equal((":test/topic", "second"), (await d2.ReceivePushesAsync(1))[0]);

        // Removed: the next push reaches nobody and says so.
        await cluster.Silo2.Grains.GetGroupGrain(name).RemoveUserAsync(dana);
        Assert.True((await cluster.Silo1.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/topic", "third"))).NoMembers);
        await cluster.Silo1.Grains.GetUserGrain(dana).PushAsync(SenteEvent.Create("test/direct", "after"), PushOptions.Flushed);
        Assert.Equal((":test/direct", "after"), (await d2.ReceivePushesAsync(1))[0]);
    }

    [Fact]
    public async Task A_group_grain_that_activates_again_finds_the_front_ends_holding_members()
    {
        var (erin, name) = (Unique("erin"), Unique("room"));
        var (e1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, erin);
        var (e2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, erin);
        await using var _e1 = e1;
        await using var _e2 = e2;
        var group = cluster.Silo1.Grains.GetGroupGrain(name);
        await group.AddUserAsync(erin);
        await group.PushAsync(SenteEvent.Create("test/room", "before"), PushOptions.Flushed);
        Assert.Equal((":test/room", "before"), (await e1.ReceivePushesAsync(1))[0]);
        Assert.Equal((":test/room", "before"), (await e2.ReceivePushesAsync(1))[0]);

        // A new activation (as after a silo loss) starts with its stored members and no front ends:
        // it asks them, and its pushes (counted afresh) still arrive, once each.
        await group.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(new GroupPushResult(1, 2), await cluster.Silo2.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", i), PushOptions.Flushed));
        }

        foreach (var tab in new[] { e1, e2 })
        {
            Assert.Equal(["1", "2", "3"], (await tab.ReceivePushesAsync(3)).Select(p => p.Data));
        }
    }

    [Fact]
    public async Task A_front_end_left_without_member_connections_is_left_out_and_taken_back_when_one_opens_there()
    {
        var (mia, name) = (Unique("mia"), Unique("room"));
        var (m1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, mia);
        var (m2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, mia);
        await using var _m1 = m1;
        var group = cluster.Silo1.Grains.GetGroupGrain(name);
        await group.AddUserAsync(mia);
        var pushed = 0;
        Task<GroupPushResult> PushNextAsync() => group.PushAsync(SenteEvent.Create("test/room", ++pushed), PushOptions.Flushed);
        Assert.Equal(2, (await PushNextAsync()).FrontEnds);
        Assert.Equal("1", (await m2.ReceivePushesAsync(1))[0].Data);

        // The tab on front end 2 closes: the next push that finds no member there has it left out.
        await m2.DisposeAsync();
        await Eventually.HoldsAsync(PushNextAsync, r => r.FrontEnds == 1, "front end 2 left out");

        // A member connection opens there again: it subscribes anew, and the pushes go on in order.
        var (m3, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, mia);
        await using var _m3 = m3;
        Assert.Equal(2, (await PushNextAsync()).FrontEnds);
        Assert.Equal(pushed.ToString(System.Globalization.CultureInfo.InvariantCulture), (await m3.ReceivePushesAsync(1))[0].Data);
        Assert.Equal(
            Enumerable.Range(1, pushed).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (await m1.ReceivePushesAsync(pushed)).Select(p => p.Data));
    }

    [Fact]
    public async Task Concurrent_joins_and_pushes_give_every_member_an_ordered_subset_once_each_and_all_after_its_join()
    {
        var name = Unique("busy");
        var users = Enumerable.Range(0, 12).Select(i => Unique("u" + i)).ToArray();
        var tabs = new List<TestClient>();
        try
        {
            for (var i = 0; i < users.Length; i++)
            {
                tabs.Add((await TestClient.ConnectAsync(i % 2 == 0 ? cluster.FrontEnd1 : cluster.FrontEnd2, users[i])).Client);
            }

            // Joins through both silos while one caller pushes 1..40 through both silos.
            // Each join notes the last push completed when it completed: every push after the one then
            // under way was accepted after the join, and must reach the member.
            var completed = 0;
            var joinedAfter = new int[users.Length];
            var joins = users.Select(async (u, i) =>
            {
                await (i % 2 == 0 ? cluster.Silo1 : cluster.Silo2).Grains.GetGroupGrain(name).AddUserAsync(u);
                joinedAfter[i] = Volatile.Read(ref completed);
            }).ToList();
            const int Count = 40;
            for (var n = 1; n <= Count; n++)
            {
                await (n % 2 == 0 ? cluster.Silo1 : cluster.Silo2).Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/busy", n), PushOptions.Flushed);
                Volatile.Write(ref completed, n);
            }

            await Task.WhenAll(joins).WaitAsync(TestTimeouts.Frame);
            Assert.Equal(users.Length, (await cluster.Silo1.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/busy", "last"), PushOptions.Flushed)).Members);

            foreach (var (tab, i) in tabs.Select((t, i) => (t, i)))
            {
                var seen = new List<int>();
                while (true)
                {
                    var push = (await tab.ReceivePushesAsync(1))[0];
                    if (push.Data == "last")
                    {
                        break;
                    }

                    seen.Add(int.Parse(push.Data, System.Globalization.CultureInfo.InvariantCulture));
                }

                // Whatever a member got before its join completed, it got in order and once each.
                Assert.Equal(seen.Order(), seen);
                Assert.Equal(seen.Distinct().Count(), seen.Count);
                Assert.All(seen, n => Assert.InRange(n, 1, Count));
                Assert.Superset(Enumerable.Range(joinedAfter[i] + 2, Math.Max(0, Count - joinedAfter[i] - 1)).ToHashSet(), seen.ToHashSet());
            }
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
    public async Task A_push_to_an_unknown_or_emptied_group_is_a_no_op_that_says_so()
    {
        var unknown = await cluster.Silo1.Grains.GetGroupGrain(Unique("nobody")).PushAsync(SenteEvent.Create("test/x", 1));
        Assert.True(unknown.NoMembers);
        Assert.Equal(0, unknown.FrontEnds);

        var (name, frank) = (Unique("room"), Unique("frank"));
        var group = cluster.Silo2.Grains.GetGroupGrain(name);
        await group.AddUserAsync(frank);
        await group.AddUserAsync(frank);
        Assert.Equal(1, (await group.GetMembersAsync()).Count);
        await group.RemoveUserAsync(frank);
        Assert.True((await group.PushAsync(SenteEvent.Create("test/x", 2))).NoMembers);
        Assert.Equal(0, (await group.GetMembersAsync()).Count);
    }

    [Fact]
    public async Task A_client_joins_and_leaves_only_through_the_application_hook_and_only_that_tab_is_a_member()
    {
        var gail = Unique("gail");
        var (g1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, gail);
        var (g2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, gail);
        await using var _g1 = g1;
        await using var _g2 = g2;
        var open = Unique("open-topic");

        var joined = await g1.RequestAsync("sente/join-group", open, "j1");
        Assert.True(joined.GetProperty("ok").GetBoolean());
        var refused = await g1.RequestAsync("sente/join-group", Unique("closed"), "j2");
        Assert.False(refused.GetProperty("ok").GetBoolean());
        Assert.Equal("refused", refused.GetProperty("error").GetString());
        var badName = await g1.RequestAsync("sente/join-group", "open- spaced", "j3");
        Assert.Contains("U+0020", badName.GetProperty("error").GetString());

        Assert.Equal(new GroupClient(gail, g1.ClientId), Assert.Single((await cluster.Silo2.Grains.GetGroupGrain(open).GetMembersAsync()).Clients));
        await cluster.Silo2.Grains.GetGroupGrain(open).PushAsync(SenteEvent.Create("test/topic", "t1"), PushOptions.Flushed);
        Assert.Equal((":test/topic", "t1"), (await g1.ReceivePushesAsync(1))[0]);

        // The other tab of the same user is not a member: the first push it sees is one to the user.
        await cluster.Silo1.Grains.GetUserGrain(gail).PushAsync(SenteEvent.Create("test/direct", "d1"), PushOptions.Flushed);
        Assert.Equal((":test/direct", "d1"), (await g2.ReceivePushesAsync(1))[0]);
        Assert.Equal((":test/direct", "d1"), (await g1.ReceivePushesAsync(1))[0]);

        var left = await g1.RequestAsync("sente/leave-group", open, "l1");
        Assert.True(left.GetProperty("ok").GetBoolean());
        Assert.True((await cluster.Silo1.Grains.GetGroupGrain(open).PushAsync(SenteEvent.Create("test/topic", "t2"))).NoMembers);
    }

    [Fact]
    public async Task A_client_member_that_is_gone_for_good_leaves_its_groups()
    {
        var hank = Unique("hank");
        var (h1, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, hank);
        var open = Unique("open-topic");
        Assert.True((await h1.RequestAsync("sente/join-group", open, "j1")).GetProperty("ok").GetBoolean());
        await h1.DisposeAsync();

        // Past its grace period (2.5 s) the client is gone: its own memberships end with it.
        await Eventually.HoldsAsync(
            () => cluster.Silo1.Grains.GetGroupGrain(open).GetMembersAsync(),
            members => members.Count == 0,
            "the gone client left the group");
    }

    [Fact]
    public async Task A_push_to_a_set_of_users_reaches_each_of_their_clients_once_in_one_call()
    {
        var (ivy, jon, kim) = (Unique("ivy"), Unique("jon"), Unique("kim"));
        var (i1, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, ivy);
        var (j1, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, jon);
        var (j2, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, jon);
        await using var _i1 = i1;
        await using var _j1 = j1;
        await using var _j2 = j2;

        Assert.Equal(3, await cluster.Silo2.Grains.PushToUsersAsync([ivy, jon, jon, kim], SenteEvent.Create("test/set", "s1"), PushOptions.Flushed));
        await cluster.Silo2.Grains.PushToUsersAsync([ivy, jon], SenteEvent.Create("test/set", "s2"), PushOptions.Flushed);

        foreach (var tab in new[] { i1, j1, j2 })
        {
            Assert.Equal(["s1", "s2"], (await tab.ReceivePushesAsync(2)).Select(p => p.Data));
        }

        await Assert.ThrowsAsync<ArgumentNullException>(() => cluster.Silo1.Grains.PushToUsersAsync([ivy, null!], SenteEvent.Create("test/set", "x")));
    }

    [Theory]
    [InlineData("", "missing group name")]
    [InlineData("a b", "group name contains U+0020")]
    [InlineData("tab\there", "group name contains U+0009")]
    [InlineData("semi;colon", "group name contains ';'")]
    public void A_bad_group_name_is_refused_with_the_reason(string name, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => cluster.Silo1.Grains.GetGroupGrain(name));
        Assert.StartsWith(reason, e.Message);
    }

    [Fact]
    public void Group_names_of_letters_digits_and_separators_up_to_128_characters_are_accepted()
    {
        Assert.Equal("g:équipe-1/room_2.b:c@d#e", SenteKeys.GroupKey("équipe-1/room_2.b:c@d#e"));
        Assert.Equal("g:" + new string('r', 128), SenteKeys.GroupKey(new string('r', 128)));
        Assert.StartsWith("group name is not well-formed text", Assert.Throws<ArgumentException>(() => SenteKeys.GroupKey("lone" + '\ud800')).Message);
        Assert.StartsWith("group name longer than 128", Assert.Throws<ArgumentException>(() => SenteKeys.GroupKey(new string('r', 129))).Message);
    }
}
