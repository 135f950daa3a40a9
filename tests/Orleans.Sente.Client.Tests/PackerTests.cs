using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Client.Tests;

/// <summary>The .NET client with the Transit and MessagePack packers, over WebSocket and over Ajax.</summary>
[Collection(ClientCollection.Name)]
public sealed class PackerTests(ClientFixture fixture)
{
    [Theory]
    [InlineData("transit", SenteClientTransport.WebSocket)]
    [InlineData("transit", SenteClientTransport.Ajax)]
    [InlineData("msgpack", SenteClientTransport.WebSocket)]
    [InlineData("msgpack", SenteClientTransport.Ajax)]
    public async Task The_packer_carries_a_request_its_reply_and_a_push(string packer, SenteClientTransport transport)
    {
        var uid = ClientKit.NewUid(packer);
        await using var client = ClientKit.Create(fixture, uid, o =>
        {
            o.Packer = packer;
            o.Transport = transport;
        });
        await client.ConnectAsync().Bounded();
        Assert.Equal(transport, client.State.Transport);
        Assert.Equal(EdnMap.Of(("server", "s1")), client.State.HandshakeData);

        var data = EdnValue.ReadEdn("{:k :a/b, :s #{1 2}, :u #uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\", :at #inst \"2024-01-02T03:04:05.006Z\"}");
        Assert.Equal(data, await client.RequestAsync("test/echo", data, TestTimeouts.Frame).Bounded());

        await ClientKit.PushAsync(fixture, uid, client.ClientId, "test/push", "pushed").Bounded();
        Assert.Equal((EdnValue)"pushed", (await client.NextEventAsync("test/push")).Data);
    }
}
