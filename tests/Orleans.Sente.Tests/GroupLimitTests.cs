using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>Configured limits on groups, on a silo of its own with small ones.</summary>
public sealed class GroupLimitTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await TestSilo.StartAsync(null, o =>
        {
            o.MaxGroupsPerUser = 2;
            o.MaxMembersPerGroup = 3;
        });

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Adding_past_the_members_per_group_or_groups_per_user_limit_fails_with_a_clear_error()
    {
        var room = _silo.Grains.GetGroupGrain("room");
        await room.AddUserAsync("u1");
        await room.AddUserAsync("u2");
        await room.AddClientAsync("u3", "tab-1");
        var full = await Assert.ThrowsAsync<SenteGroupLimitException>(() => room.AddUserAsync("u4"));
        Assert.Equal("Group 'room' has 3 members, the most allowed (MaxMembersPerGroup = 3).", full.Message);
        await room.AddUserAsync("u1");

        await _silo.Grains.GetGroupGrain("second").AddUserAsync("u1");
        var many = await Assert.ThrowsAsync<SenteGroupLimitException>(() => _silo.Grains.GetGroupGrain("third").AddUserAsync("u1"));
        Assert.Equal("User 'u1' is in 2 groups, the most allowed (MaxGroupsPerUser = 2).", many.Message);
        Assert.True((await _silo.Grains.GetGroupGrain("third").PushAsync(SenteEvent.Create("test/x", 1))).NoMembers);

        // Leaving one makes room again.
        await _silo.Grains.GetGroupGrain("second").RemoveUserAsync("u1");
        await _silo.Grains.GetGroupGrain("third").AddUserAsync("u1");
        Assert.Equal(3, (await room.PushAsync(SenteEvent.Create("test/x", 2))).Members);
    }

    [Fact]
    public void Limits_below_one_are_refused_at_start()
    {
        var result = new Grains.SenteGrainOptionsValidator().Validate(null, new Grains.SenteGrainOptions { MaxGroupsPerUser = 0 });
        Assert.True(result.Failed);
        Assert.Contains("MaxGroupsPerUser and MaxMembersPerGroup must be at least 1; got 0 and 100000.", result.FailureMessage);
    }
}
