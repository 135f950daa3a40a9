using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

[CollectionDefinition(Name)]
public sealed class HandlerFeaturesCollection : ICollectionFixture<HandlerFeaturesFixture>
{
    public const string Name = "handler features";
}

/// <summary>The principal ASP.NET Core authenticated: the name-identifier user-id, and the principal on the handler context.</summary>
[Collection(HandlerFeaturesCollection.Name)]
public sealed class IdentityTests(HandlerFeaturesFixture fixture)
{
    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    [Fact]
    public async Task Name_identifier_of_a_token_on_the_WebSocket_upgrade_is_the_user_id()
    {
        var (client, handshake) = await TestClient.ConnectAsync(FrontEnd, uid: null, extraQuery: "&access_token=" + TestBearerHandler.TokenOf("alice"));
        await using var _ = client;

        Assert.Equal("alice", handshake[0][1][0].GetString());
    }

    [Fact]
    public async Task Name_identifier_of_a_bearer_header_on_an_Ajax_handshake_is_the_user_id()
    {
        using var client = new AjaxClient(Guid.NewGuid().ToString(), packer: "json");

        var (status, body) = await client.GetAsync(FrontEnd, handshake: true, edit: r => r.Headers.Authorization = new("Bearer", TestBearerHandler.TokenOf("bob")));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("bob", JsonDocument.Parse(body).RootElement[0][1][0].GetString());
    }

    [Fact]
    public async Task A_request_without_a_principal_is_nil_uid_with_the_name_identifier_recipe()
    {
        var (client, handshake) = await TestClient.ConnectAsync(FrontEnd, uid: null);
        await using var _ = client;

        Assert.Equal(":sente/nil-uid", handshake[0][1][0].GetString());
    }

    [Fact]
    public async Task The_WebSocket_handler_sees_the_principal_captured_at_connect()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, uid: null, extraQuery: "&access_token=" + TestBearerHandler.TokenOf("carol"));
        await using var _c = client;

        await client.SendAsync("""[[":test/whoami"],"w1"]""");
        await client.SendAsync("""[[":test/whoami"],"w2"]""");

        Assert.Equal("""[{"user-id":"carol","name-id":"carol","authenticated":true},"w1"]""", await client.ReceiveAsync());
        Assert.Equal("""[{"user-id":"carol","name-id":"carol","authenticated":true},"w2"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task The_Ajax_handler_sees_the_principal_of_each_request()
    {
        using var client = new AjaxClient(Guid.NewGuid().ToString(), packer: "json");

        var signedIn = await client.PostAsync(FrontEnd, """[[":test/whoami"],":ajax"]""", r => r.Headers.Authorization = new("Bearer", TestBearerHandler.TokenOf("dave")));
        var anonymous = await client.PostAsync(FrontEnd, """[[":test/whoami"],":ajax"]""");

        Assert.Equal((HttpStatusCode.OK, """[{"user-id":"dave","name-id":"dave","authenticated":true},null]"""), signedIn);
        Assert.Equal((HttpStatusCode.OK, """[{"user-id":null,"name-id":null,"authenticated":false},null]"""), anonymous);
    }

    [Fact]
    public async Task An_anonymous_WebSocket_handler_sees_an_unauthenticated_principal()
    {
        var (client, _) = await TestClient.ConnectAsync(FrontEnd, uid: null);
        await using var _c = client;

        await client.SendAsync("""[[":test/whoami"],"w3"]""");

        Assert.Equal("""[{"user-id":null,"name-id":null,"authenticated":false},"w3"]""", await client.ReceiveAsync());
        Assert.Equal(WebSocketState.Open, client.State);
    }
}
