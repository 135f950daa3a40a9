using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Client.Tests;

[Collection(ClientCollection.Name)]
public sealed class GroupTests(ClientFixture fixture)
{
    // Over WebSocket: the test front end takes the user-id from the query, which an Ajax POST does
    // not carry (it sends the client's params in its form).
    [Fact]
    public async Task A_client_joins_a_group_the_application_allows_gets_its_pushes_and_leaves()
    {
        var uid = ClientKit.NewUid("grouped");
        await using var client = ClientKit.Create(fixture, uid, o => o.Transport = SenteClientTransport.WebSocket);
        await client.ConnectAsync().Bounded();
        var open = "open-" + Guid.NewGuid().ToString("N")[..8];

        Assert.Equal(new SenteGroupReply(true, null), await client.JoinGroupAsync(open).Bounded());
        Assert.Equal(new SenteGroupReply(false, "refused"), await client.JoinGroupAsync("closed-room").Bounded());

        Assert.Equal(1, (await fixture.Silo.Grains.GetGroupGrain(open).PushAsync(SenteEvent.Create("test/topic", "hello"), PushOptions.Flushed)).Members);
        await using var events = client.ReadEventsAsync().GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync().AsTask().Bounded());
        Assert.Equal(SenteEvent.Create("test/topic", "hello"), events.Current);

        Assert.Equal(new SenteGroupReply(true, null), await client.LeaveGroupAsync(open).Bounded());
        Assert.True((await fixture.Silo.Grains.GetGroupGrain(open).PushAsync(SenteEvent.Create("test/topic", "gone"))).NoMembers);
    }
}
