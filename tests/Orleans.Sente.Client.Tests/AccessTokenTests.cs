using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Client.Tests;

[CollectionDefinition(Name)]
public sealed class AuthenticatedCollection : ICollectionFixture<HandlerFeaturesFixture>
{
    public const string Name = "authenticated front end";
}

/// <summary>
/// The client's access token and custom headers against a front end with a real authentication
/// scheme (<see cref="TestBearerHandler"/>) whose user-id is the principal's name identifier.
/// </summary>
[Collection(AuthenticatedCollection.Name)]
public sealed class AccessTokenTests(HandlerFeaturesFixture fixture)
{
    private Uri Endpoint => new(fixture.FrontEnd.BaseUri, "/chsk");

    [Theory]
    [InlineData(SenteClientTransport.WebSocket)]
    [InlineData(SenteClientTransport.Ajax)]
    public async Task The_access_token_signs_in_the_handshake_and_every_event(SenteClientTransport transport)
    {
        var user = ClientKit.NewUid("token");
        await using var client = new SenteClient(new SenteClientOptions
        {
            Uri = Endpoint,
            Transport = transport,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(TestBearerHandler.TokenOf(user)),
        });

        await client.ConnectAsync().Bounded();
        var reply = await client.RequestAsync("test/whoami", null, TestTimeouts.Frame).Bounded();

        Assert.Equal(user, client.State.UserId);
        Assert.Equal(EdnMap.Of(("user-id", user), ("name-id", user), ("authenticated", true)), reply);
    }

    [Fact]
    public async Task The_WebSocket_carries_the_token_in_the_access_token_query_parameter()
    {
        // The test scheme reads the query only on the Sente path and the header everywhere; a
        // request that reached it with the header alone would not prove the query. Watch the upgrade.
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watching = new WatchingHandler(request => seen.TrySetResult(request.RequestUri?.Query));
        await using var client = new SenteClient(new SenteClientOptions
        {
            Uri = Endpoint,
            Transport = SenteClientTransport.WebSocket,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(TestBearerHandler.TokenOf("query-user")),
            HttpMessageHandler = watching,
        });

        await client.ConnectAsync().Bounded();

        Assert.Contains("access_token=user%3Aquery-user", await seen.Task.Bounded());
        Assert.Equal("query-user", client.State.UserId);
    }

    [Fact]
    public async Task The_access_token_provider_is_asked_again_at_each_connect()
    {
        var calls = 0;
        await using var client = new SenteClient(new SenteClientOptions
        {
            Uri = Endpoint,
            Transport = SenteClientTransport.WebSocket,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(TestBearerHandler.TokenOf("refreshed-" + Interlocked.Increment(ref calls))),
        });

        await client.ConnectAsync().Bounded();
        Assert.Equal("refreshed-1", client.State.UserId);

        await client.ReconnectAsync().Bounded();
        Assert.Equal("refreshed-2", client.State.UserId);
    }

    [Fact]
    public async Task A_null_token_connects_anonymously()
    {
        await using var client = new SenteClient(new SenteClientOptions
        {
            Uri = Endpoint,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(null),
        });

        await client.ConnectAsync().Bounded();

        Assert.Null(client.State.UserId);
    }

    [Theory]
    [InlineData(SenteClientTransport.WebSocket)]
    [InlineData(SenteClientTransport.Ajax)]
    public async Task Custom_headers_reach_the_server_on_the_upgrade_and_on_Ajax_requests(SenteClientTransport transport)
    {
        var user = ClientKit.NewUid("header");
        var options = new SenteClientOptions { Uri = Endpoint, Transport = transport };
        options.Headers["Authorization"] = "Bearer " + TestBearerHandler.TokenOf(user);
        await using var client = new SenteClient(options);

        await client.ConnectAsync().Bounded();
        var reply = await client.RequestAsync("test/whoami", null, TestTimeouts.Frame).Bounded();

        Assert.Equal(user, client.State.UserId);
        Assert.Equal((EdnValue)user, reply["name-id"]);
    }

    /// <summary>Passes requests on to a real handler, showing each to the test first.</summary>
    private sealed class WatchingHandler(Action<HttpRequestMessage> watch) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            watch(request);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
