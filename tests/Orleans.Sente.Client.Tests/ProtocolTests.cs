using System.Text;
using Orleans.Sente.Client.Transport;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client.Tests;

/// <summary>The client's reading of server frames and its backoff, without a server.</summary>
public sealed class ProtocolTests
{
    private static ServerFrame Json(string frame) => ServerFrame.Classify(JsonPacker.Instance.Unpack(Encoding.UTF8.GetBytes(frame)));

    [Fact]
    public void Server_frames_are_told_apart_in_Sentes_order()
    {
        Assert.Equal(ServerFrameKind.Handshake, Json("""[[":chsk/handshake",["alice",null,{"server":"s1"}]],null]""").Kind);
        Assert.Equal(ServerFrameKind.Ping, Json("""[":chsk/ws-ping",null]""").Kind);
        Assert.Equal(ServerFrameKind.Reply, Json("""["pong","a1b2c3"]""").Kind);
        Assert.Equal(ServerFrameKind.Reply, Json("""[[[":my/push"]],"a1b2c3"]""").Kind);
        Assert.Equal(ServerFrameKind.Batch, Json("""[[[":my/push",{"n":1}],[":my/other"]],null]""").Kind);
        Assert.Equal(ServerFrameKind.Timeout, Json("""[":chsk/timeout",null]""").Kind);
        Assert.Equal(ServerFrameKind.DummyCb200, Json("""[":chsk/dummy-cb-200",null]""").Kind);
        Assert.Equal(ServerFrameKind.Unknown, Json("42").Kind);
    }

    [Fact]
    public void The_handshake_gives_the_user_id_with_nil_uid_as_null()
    {
        var alice = Json("""[[":chsk/handshake",["alice",null,{"server":"s1"}]],null]""").ReadHandshake();
        Assert.Equal("alice", alice.UserId);
        Assert.Equal(EdnMap.Of(("server", "s1")), alice.Data);

        var anonymous = ServerFrame.Classify(EdnValue.ReadEdn("[[:chsk/handshake [:sente/nil-uid nil nil]] nil]")).ReadHandshake();
        Assert.Null(anonymous.UserId);
        Assert.Null(anonymous.Data);
    }

    [Fact]
    public void A_batch_reads_as_events_in_order()
    {
        var events = Json("""[[[":my/push",{"n":1}],[":my/other"]],null]""").ReadBatch(eventIdsAreStrings: true);

        Assert.Equal([SenteEvent.Create("my/push", EdnMap.Of(("n", 1))), SenteEvent.Create("my/other")], events);
    }

    [Fact]
    public void Client_frames_carry_the_callback_id_or_the_ajax_marker()
    {
        var @event = SenteEvent.Create("my/req", EdnMap.Of(("q", 1)));

        Assert.Equal("""[[":my/req",{"q":1}],"a1b2c3"]""", ClientFrames.PackText(JsonPacker.Instance, @event, new EdnString("a1b2c3")));
        Assert.Equal("""[[":my/req",{"q":1}],":ajax"]""", ClientFrames.PackText(JsonPacker.Instance, @event, Envelope.AjaxCallbackMarker));
        Assert.Equal("[[:my/req {:q 1}] nil]", ClientFrames.PackText(EdnPacker.Instance, @event, null));
    }

    [Fact]
    public void Urls_carry_params_client_id_packer_and_the_csrf_token()
    {
        var options = new SenteClientOptions
        {
            Uri = new Uri("https://example.org/chsk"),
            ClientId = "c1",
            CsrfToken = "t 1",
            Params = new Dictionary<string, string> { ["room"] = "a&b" },
        };

        Assert.Equal("wss://example.org/chsk?room=a%26b&client-id=c1&packer=json&csrf-token=t%201", SenteUrls.WebSocket(options).AbsoluteUri);
        var poll = SenteUrls.Poll(options, handshake: true).AbsoluteUri;
        Assert.StartsWith("https://example.org/chsk?room=a%26b&udt=", poll);
        Assert.EndsWith("&client-id=c1&packer=json&handshake%3F=1", poll);
        Assert.Equal("https://example.org/chsk?packer=json", SenteUrls.Post(options).AbsoluteUri);
    }

    [Fact]
    public void Backoff_is_immediate_first_then_full_jitter_under_a_doubling_ceiling_capped_at_30_s()
    {
        var top = new ExponentialBackoffReconnectPolicy(random: () => 1.0);
        var bottom = new ExponentialBackoffReconnectPolicy(random: () => 0.0);

        Assert.Equal(TimeSpan.Zero, top.NextDelay(0));
        Assert.Equal(
            [2, 4, 8, 16, 30, 30],
            Enumerable.Range(1, 6).Select(n => top.NextDelay(n)!.Value.TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(30), top.NextDelay(int.MaxValue));
        Assert.Equal(TimeSpan.Zero, bottom.NextDelay(5));
    }

    [Fact]
    public void Invalid_options_are_all_listed()
    {
        var failure = Assert.Throws<ArgumentException>(() => new SenteClient(new SenteClientOptions { Packer = "fressian", LpTimeout = TimeSpan.Zero }));

        Assert.Contains("Uri", failure.Message);
        Assert.Contains("Packer", failure.Message);
        Assert.Contains("LpTimeout", failure.Message);
    }
}
