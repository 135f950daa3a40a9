using Orleans.Core.Internal;
using Orleans.Sente.Grains;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// What groups cost in grain storage, counted by a store outside the silo: a membership change
/// writes a bounded amount however large the group, and a user without groups costs no read of a
/// groups record when it connects.
/// </summary>
public sealed class GroupStorageCostTests
{
    /// <summary>Members one stored record of a group holds (docs/groups.md).</summary>
    private const int PerRecord = GroupMembership.MembersPerRecord;

    private static bool GroupRecords(string stateName) => stateName.StartsWith("group.", StringComparison.Ordinal);

    [Fact]
    public async Task A_membership_change_writes_a_bounded_amount_however_large_the_group()
    {
        var store = new SharedGrainStore();
        await using var silo = await TestSilo.StartAsync(null, configureSilo: store.AddTo);
        var group = silo.Grains.GetGroupGrain("big-" + Guid.NewGuid().ToString("N")[..8]);
        const int Members = (5 * PerRecord) / 2;
        var perChange = new long[Members];
        for (var i = 0; i < Members; i++)
        {
            var before = store.WrittenBytes(GroupRecords);
            await group.AddUserAsync($"member-{i:D5}");
            perChange[i] = store.WrittenBytes(GroupRecords) - before;
        }

        // The change that brought the group to one record's worth of members wrote that record whole;
        // no later change, however many members the group has, writes more than about as much.
        var full = perChange[PerRecord - 1];
        for (var i = PerRecord; i < Members; i++)
        {
            Assert.True(perChange[i] <= full * 5 / 4, $"adding member {i + 1} wrote {perChange[i]} bytes; one record of {PerRecord} members is {full}");
        }

        var beforeRemove = store.WrittenBytes(GroupRecords);
        await group.RemoveUserAsync("member-00007");
        await group.AddClientAsync("member-00009", "tab-1");
        Assert.True(store.WrittenBytes(GroupRecords) - beforeRemove <= full * 5 / 2, "a removal and a client's join wrote more than two records");

        // A new activation reads every member back.
        await group.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var members = await group.GetMembersAsync();
        Assert.Equal(Members - 1, members.UserIds.Length);
        Assert.DoesNotContain("member-00007", members.UserIds);
        Assert.Contains($"member-{Members - 1:D5}", members.UserIds);
        Assert.Equal(new GroupClient("member-00009", "tab-1"), Assert.Single(members.Clients));
        Assert.True((await group.PushAsync(SenteEvent.Create("test/x", 1))).Members == Members);
    }

    [Fact]
    public async Task A_user_without_groups_costs_no_read_of_a_groups_record_when_it_comes_online()
    {
        var store = new SharedGrainStore();
        await using var silo = await TestSilo.StartAsync(null, configureSilo: store.AddTo);
        await using var frontEnd = await TestFrontEnd.StartAsync([silo]);
        var (loner, member, name) = ("loner-" + Guid.NewGuid().ToString("N")[..8], "member-" + Guid.NewGuid().ToString("N")[..8], "room-" + Guid.NewGuid().ToString("N")[..8]);

        // Both come online once (users from before the marker: their groups record is read, and the
        // marker learns that they have none), and go offline (the marker is written with their
        // last-seen time).
        foreach (var user in new[] { loner, member })
        {
            var (tab, _) = await TestClient.ConnectAsync(frontEnd, user);
            await Eventually.HoldsAsync(() => silo.Grains.GetGrain<IUserGroupsMarkerGrain>(SenteKeys.UserKey(user)).HasGroupsAsync(), has => has == false, $"{user} is known to have no groups");
            await tab.DisposeAsync();
            await Eventually.HoldsAsync(() => silo.Grains.GetUserGrain(user).GetLastSeenAsync(), at => at is not null, $"{user} went offline");
        }

        // One of them is made a member while offline; then every idle grain is collected, as
        // after a quiet while, so what follows is read from storage again.
        await silo.Grains.GetGroupGrain(name).AddUserAsync(member);
        await silo.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        var reads = store.Reads("groups.v1");

        var (lonerTab, _) = await TestClient.ConnectAsync(frontEnd, loner);
        var (memberTab, _) = await TestClient.ConnectAsync(frontEnd, member);
        await using (lonerTab)
        await using (memberTab)
        {
            // Only the member's groups were read; it gets the group's pushes.
            Assert.Equal(1, store.Reads("groups.v1") - reads);
            await silo.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", "hello"), PushOptions.Flushed);
            Assert.Equal((":test/room", "hello"), (await memberTab.ReceivePushesAsync(1))[0]);
        }
    }
}
