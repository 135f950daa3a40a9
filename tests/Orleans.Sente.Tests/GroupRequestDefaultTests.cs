using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>An application that registers no group hook: clients cannot join or leave any group.</summary>
[Collection(HandlerFeaturesCollection.Name)]
public sealed class GroupRequestDefaultTests(HandlerFeaturesFixture fixture)
{
    [Fact]
    public async Task Without_an_application_hook_every_join_and_leave_is_refused_with_a_reply()
    {
        var (client, _) = await TestClient.ConnectAsync(fixture.FrontEnd, uid: null, extraQuery: "&access_token=" + TestBearerHandler.TokenOf("lena"));
        await using var _c = client;

        var join = await client.RequestAsync("sente/join-group", "open-room", "j1");
        Assert.False(join.GetProperty("ok").GetBoolean());
        Assert.Equal("refused", join.GetProperty("error").GetString());
        var leave = await client.RequestAsync("sente/leave-group", "open-room", "l1");
        Assert.Equal("refused", leave.GetProperty("error").GetString());
        Assert.Equal(0, (await fixture.Silo.Grains.GetGroupGrain("open-room").GetMembersAsync()).Count);
    }
}
