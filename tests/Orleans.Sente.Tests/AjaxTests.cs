using System.Net;
using System.Text.Json;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>Sente's Ajax transport over real HTTP, on one front end and alternating between two.</summary>
[Collection(AjaxClusterCollection.Name)]
public sealed class AjaxTests(AjaxClusterFixture cluster)
{
    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task Edn_transcript_handshake_poll_push_and_posts_byte_for_byte()
    {
        // edn.txt 8-13: a client with no session (nil-uid).
        using var client = new AjaxClient(Unique("c2"));
        var fe = cluster.FrontEnd1;

        Assert.Equal((HttpStatusCode.OK, """[[:chsk/handshake [:sente/nil-uid nil {:server "s1"}]] nil]"""), await client.GetAsync(fe, handshake: true));

        var poll = client.GetAsync(fe);
        await fe.Grains.GetUsersWithoutUidGrain().PushAsync(SenteEvent.Create("my/anon-push", "x"), PushOptions.Flushed);
        Assert.Equal((HttpStatusCode.OK, """[[[:my/anon-push "x"]] nil]"""), await poll);

        Assert.Equal((HttpStatusCode.OK, "[:chsk/dummy-cb-200 nil]"), await client.PostAsync(fe, "[[:my/note 1] nil]"));
        Assert.Equal((HttpStatusCode.OK, "[{:answer 42} nil]"), await client.PostAsync(fe, "[[:my/req {:q 2}] :ajax]"));
        Assert.Equal((HttpStatusCode.OK, "[{:answer 42} nil]"), await client.PostAsync(fe, "[[:my/req {:q 3}] 0]"));
    }

    [Fact]
    public async Task Timing_transcript_poll_timeout_push_between_polls_and_callback_timeout()
    {
        var uid = Unique("carol");
        using var client = new AjaxClient(Unique("c"), uid);
        var fe = cluster.FrontEnd2;

        // B. handshake, then a poll answered [:chsk/timeout nil] after LpTimeout.
        Assert.Equal((HttpStatusCode.OK, $$"""[[:chsk/handshake ["{{uid}}" nil {:server "s1"}]] nil]"""), await client.GetAsync(fe, handshake: true));
        Assert.Equal((HttpStatusCode.OK, "[:chsk/timeout nil]"), await client.GetAsync(fe));

        // C. a push made between polls is delivered by the next poll.
        await fe.Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("my/push", 1));
        Assert.Equal((HttpStatusCode.OK, "[[[:my/push 1]] nil]"), await client.GetAsync(fe));

        // E. a POST whose handler never replies gets [:chsk/timeout nil] after LpTimeout.
        Assert.Equal((HttpStatusCode.OK, "[:chsk/timeout nil]"), await client.PostAsync(fe, "[[:my/slow 1] :ajax]"));
    }

    [Fact]
    public async Task Json_packer_handshake_push_and_reply()
    {
        var uid = Unique("jay");
        using var client = new AjaxClient(Unique("j"), uid, packer: "json");
        var fe = cluster.FrontEnd1;

        Assert.Equal($$"""[[":chsk/handshake",["{{uid}}",null,{"server":"s1"}]],null]""", (await client.GetAsync(fe, handshake: true)).Body);
        var poll = client.GetAsync(fe);
        await fe.Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("my/push", 7), PushOptions.Flushed);
        Assert.Equal("""[[[":my/push",7]],null]""", (await poll).Body);
        Assert.Equal("""{"answer":42}""", JsonDocument.Parse((await client.PostAsync(fe, """[[":my/req",{"q":1}],":ajax"]""")).Body).RootElement[0].GetRawText());
        Assert.Equal("""[":chsk/dummy-cb-200",null]""", (await client.PostAsync(fe, """[[":my/note",1],null]""")).Body);
    }

    [Fact]
    public async Task A_client_alternating_polls_and_posts_between_front_ends_gets_every_push_and_reply_in_order()
    {
        var uid = Unique("alt");
        using var client = new AjaxClient(Unique("a"), uid, packer: "json");
        var fronts = new[] { cluster.FrontEnd1, cluster.FrontEnd2 };
        await client.GetAsync(fronts[0], handshake: true);

        const int Count = 30;
        var pusher = Task.Run(async () =>
        {
            for (var n = 1; n <= Count; n++)
            {
                await cluster.Silo2.Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("my/n", n));
                await Task.Delay(15);
            }
        });

        var received = new List<long>();
        var turn = 1;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (received.Count < Count && !deadline.IsCancellationRequested)
        {
            var fe = fronts[turn++ % 2];
            var (status, body) = await client.GetAsync(fe);
            Assert.Equal(HttpStatusCode.OK, status);
            var payload = JsonDocument.Parse(body).RootElement[0];
            if (payload.ValueKind == JsonValueKind.Array)
            {
                Assert.NotEqual(":chsk/handshake", payload[0].ValueKind == JsonValueKind.String ? payload[0].GetString() : null);
                received.AddRange(payload.EnumerateArray().Select(e => e[1].GetInt64()));
            }

            // Every reply comes back too, whichever front end the send lands on.
            var reply = await client.PostAsync(fronts[turn % 2], """[[":test/echo",1],":ajax"]""");
            Assert.Equal("[1,null]", reply.Body);
        }

        await pusher;
        Assert.Equal(Enumerable.Range(1, Count).Select(n => (long)n), received);
    }

    [Fact]
    public async Task Missing_client_id_is_a_clear_400()
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new UriBuilder(cluster.FrontEnd1.BaseUri) { Path = "/chsk", Query = "udt=1" }.Uri);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("client-id", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
