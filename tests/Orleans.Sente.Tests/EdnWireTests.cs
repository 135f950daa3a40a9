using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// A client speaking EDN exactly as Sente's own client does: the URL and the frames of the
/// captured JVM-client transcript (client.txt), and the server's answers byte for byte.
/// </summary>
public sealed class EdnWireTests : IAsyncLifetime
{
    /// <summary>The query Sente's client sent in the transcript (no packer: EDN).</summary>
    private const string SenteClientQuery = "app=demo&client-id=cid-123&csrf-token=my-csrf-token";
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null);
        _frontEnd = await TestFrontEnd.StartAsync([_silo], o =>
        {
            o.UserIdFn = r => ValueTask.FromResult<string?>(r.HttpContext.Request.Query["app"] == "demo" ? "alice" : r.ClientId);
            o.HandshakeDataFn = _ => EdnMap.Of(("server", "s1"));
            o.CsrfTokenFn = _ => ValueTask.FromResult<string?>("my-csrf-token");
            o.SendBufWs = SingleFrontEndFixture.BatchWindow;
            o.WsKeepAlive = TimeSpan.FromSeconds(3);
        }, map: app => TestHandlers.Map(app.MapSente()
            .On("my/req", context =>
            {
                context.Reply(EdnMap.Of(("answer", 42)));
                return Task.CompletedTask;
            })
            .On("my/relay", context =>
                context.Grains.GetUserGrain(context.Data["to"].AsString()!).PushAsync(SenteEvent.Create("my/relayed", context.Data["value"]), PushOptions.Flushed))));
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task A_Sente_client_gets_the_handshake_a_reply_a_pong_a_batch_and_a_ping_as_Sente_writes_them()
    {
        var (client, handshake) = await TestClient.ConnectRawAsync(_frontEnd, SenteClientQuery, "cid-123");
        await using var _ = client;
        Assert.Equal("""[[:chsk/handshake ["alice" nil {:server "s1"}]] nil]""", handshake);

        await client.SendAsync("""[[:my/req {:q 1}] "4aeb00"]""");
        Assert.Equal("""[{:answer 42} "4aeb00"]""", await client.ReceiveAsync());

        await client.SendAsync("""[[:my/note "no cb"] nil]""");
        var alice = _silo.Grains.GetUserGrain("alice");
        await alice.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 1))));
        await alice.PushAsync(SenteEvent.Create("my/push", EdnMap.Of(("n", 2))));
        Assert.Equal("""[[[:my/push {:n 1}] [:my/push {:n 2}]] nil]""", await client.ReceiveAsync());

        await client.SendAsync("""[[:chsk/ws-ping] "f2b10e"]""");
        Assert.Equal("""["pong" "f2b10e"]""", await client.ReceiveAsync());

        // Silent for half of WsKeepAlive: the server pings; the client answers as Sente's does.
        Assert.Equal("""[:chsk/ws-ping nil]""", await client.ReceiveAsync());
        await client.SendAsync("""[[:chsk/ws-pong] nil]""");
        await client.SendAsync("""[[:my/req {:q 2}] "c0ffee"]""");
        Assert.Equal("""[{:answer 42} "c0ffee"]""", await client.ReceiveAsync());
    }

    [Fact]
    public async Task One_push_reaches_an_EDN_client_and_a_JSON_client_of_one_user_each_in_its_own_packing()
    {
        var (edn, _) = await TestClient.ConnectRawAsync(_frontEnd, "client-id=e1&csrf-token=my-csrf-token", "e1");
        var (json, _) = await TestClient.ConnectRawAsync(_frontEnd, "client-id=j1&packer=json&csrf-token=my-csrf-token", "j1");
        await using var _e = edn;
        await using var _j = json;

        // Both clients are per-client users here (the app parameter is absent); push to each.
        var ev = SenteEvent.Create("my/push", EdnMap.Of(("n", 1), ("tags", EdnSet.Create([EdnKeyword.Parse("a")]))));
        await _silo.Grains.GetUserGrain("e1").PushAsync(ev, PushOptions.Flushed);
        await _silo.Grains.GetUserGrain("j1").PushAsync(ev, PushOptions.Flushed);

        Assert.Equal("""[[[:my/push {:n 1, :tags #{:a}}]] nil]""", await edn.ReceiveAsync());
        Assert.Equal("""[[[":my/push",{"n":1,"tags":[":a"]}]],null]""", await json.ReceiveAsync());
    }

    [Fact]
    public async Task A_value_from_an_EDN_client_pushed_to_another_EDN_client_arrives_identical()
    {
        var (sender, _) = await TestClient.ConnectRawAsync(_frontEnd, "client-id=s1&csrf-token=my-csrf-token", "s1");
        var (receiver, _) = await TestClient.ConnectRawAsync(_frontEnd, "client-id=r1&csrf-token=my-csrf-token", "r1");
        await using var _s = sender;
        await using var _r = receiver;
        const string value = """{:k :ns/kw, :s #{1 "two" :three}, :u #uuid "bed6400a-785e-4a83-a41d-e5b566cd8950", :t #inst "2024-01-02T03:04:05.006-00:00", :l (1 2), :v [nil true 1.5 10N 1.5M \c], "str-key" 1, [:a :b] :vec-key}""";

        await sender.SendAsync($$"""[[:my/relay {:to "r1", :value {{value}}}] nil]""");

        Assert.Equal($$"""[[[:my/relayed {{value}}]] nil]""", await receiver.ReceiveAsync());
    }
}
