using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Every EDN frame of Sente's transcripts, written or read by the EDN packer.</summary>
public sealed class SenteVectorTests
{
    private static readonly EdnPacker Edn = EdnPacker.Instance;

    private static readonly SenteEvent[] PushBatch = [SenteEvent.Create("my/push", Map((K("n"), 1))), SenteEvent.Create("my/push", Map((K("n"), 2))), SenteEvent.Create("my/other")];

    /// <summary>What the server writes, built from values with <see cref="Envelope"/>.</summary>
    private static readonly Dictionary<string, EdnVector> ServerFrames = new()
    {
        ["[[:chsk/handshake [\"alice\" nil {:server \"s1\"}]] nil]"] = Envelope.HandshakeFrame(S("alice"), EdnMap.Of(("server", "s1"))),
        ["[[:chsk/handshake [:sente/nil-uid nil {:server \"s1\"}]] nil]"] = Envelope.HandshakeFrame(Envelope.NilUid, EdnMap.Of(("server", "s1"))),
        ["[[:chsk/handshake [\"bob\" nil nil]] nil]"] = Envelope.HandshakeFrame(S("bob"), null),
        ["[[:chsk/handshake [\"carol\" nil nil]] nil]"] = Envelope.HandshakeFrame(S("carol"), null),
        ["[[:chsk/handshake [\"u\" nil nil]] nil]"] = Envelope.HandshakeFrame(S("u"), null),
        ["[{:answer 42} \"a1b2c3\"]"] = Envelope.ReplyFrame(EdnMap.Of(("answer", 42)), S("a1b2c3")),
        ["[{:answer 42} \"4aeb00\"]"] = Envelope.ReplyFrame(EdnMap.Of(("answer", 42)), S("4aeb00")),
        ["[{:answer 42} nil]"] = Envelope.ReplyFrame(EdnMap.Of(("answer", 42)), null),
        ["[\"pong\" \"p1q2r3\"]"] = Envelope.ReplyFrame(Envelope.Pong, S("p1q2r3")),
        ["[:chsk/ws-ping nil]"] = Envelope.ServerPingFrame,
        ["[:chsk/timeout nil]"] = Envelope.TimeoutFrame,
        ["[:chsk/dummy-cb-200 nil]"] = Envelope.DummyCb200Frame,
        ["[[[:my/push {:n 1}] [:my/push {:n 2}] [:my/other]] nil]"] = Envelope.BatchFrame(PushBatch),
        ["[[[:my/push {:n 1}] [:my/push {:n 2}]] nil]"] = Envelope.BatchFrame(PushBatch.Take(2)),
        ["[[[:my/urgent 1]] nil]"] = Envelope.BatchFrame([SenteEvent.Create("my/urgent", 1)]),
        ["[[[:my/anon-push \"x\"]] nil]"] = Envelope.BatchFrame([SenteEvent.Create("my/anon-push", "x")]),
        ["[[[:my/push 1]] nil]"] = Envelope.BatchFrame([SenteEvent.Create("my/push", 1)]),
    };

    /// <summary>What clients send: the value and the message <see cref="Envelope.ReadClientMessage"/> makes of it.</summary>
    private static readonly Dictionary<string, (EdnValue Value, SenteEvent Event, EdnValue? Callback)> ClientFrames = new()
    {
        ["[[:my/req {:q 1}] \"a1b2c3\"]"] = (Vec(Vec(K("my/req"), Map((K("q"), 1))), S("a1b2c3")), SenteEvent.Create("my/req", Map((K("q"), 1))), S("a1b2c3")),
        ["[[:my/req {:q 1}] \"4aeb00\"]"] = (Vec(Vec(K("my/req"), Map((K("q"), 1))), S("4aeb00")), SenteEvent.Create("my/req", Map((K("q"), 1))), S("4aeb00")),
        ["[[:my/note \"hi\"] nil]"] = (Vec(Vec(K("my/note"), S("hi")), Nil), SenteEvent.Create("my/note", "hi"), null),
        ["[[:my/note \"no cb\"] nil]"] = (Vec(Vec(K("my/note"), S("no cb")), Nil), SenteEvent.Create("my/note", "no cb"), null),
        ["[[:chsk/ws-ping] \"p1q2r3\"]"] = (Vec(Vec(Envelope.WsPing), S("p1q2r3")), new SenteEvent(Envelope.WsPing), S("p1q2r3")),
        ["[[:chsk/ws-ping] \"f2b10e\"]"] = (Vec(Vec(Envelope.WsPing), S("f2b10e")), new SenteEvent(Envelope.WsPing), S("f2b10e")),
        ["[[:chsk/ws-pong] nil]"] = (Vec(Vec(Envelope.WsPong), Nil), new SenteEvent(Envelope.WsPong), null),
        ["[[:no-namespace 1] nil]"] = (Vec(Vec(K("no-namespace"), 1), Nil), new SenteEvent(Envelope.BadEvent, Vec(K("no-namespace"), 1)), null),
        ["[[:my/ev 1] \"cb\" :extra]"] = (Vec(Vec(K("my/ev"), 1), S("cb"), K("extra")), SenteEvent.Create("my/ev", 1), S("cb")),
    };

    public static TheoryData<string> SentFrames() => [.. Vectors.Sent().Select(f => f.Text).Distinct()];

    public static TheoryData<string> ReceivedFrames() =>
        [.. Vectors.Received().Select(f => f.Text).Where(t => t != "[[:my/ev {:a 1] nil]" && t != "{:not :a-vector}").Distinct()];

    [Fact]
    public void Transcripts_hold_the_frames_these_tests_expect()
    {
        Assert.Equal(ServerFrames.Keys.Order(), Vectors.Sent().Select(f => f.Text).Distinct().Order());
        Assert.Equal(21, Vectors.Sent().Count());
        Assert.Equal(12, Vectors.Received().Count());
    }

    [Theory]
    [MemberData(nameof(SentFrames))]
    public void Server_frame_is_packed_byte_for_byte(string frame)
    {
        Assert.Equal(frame, Pack(Edn, ServerFrames[frame]));
    }

    [Theory]
    [MemberData(nameof(SentFrames))]
    public void Server_frame_reads_back_to_the_value_it_was_packed_from(string frame)
    {
        Assert.Equal(ServerFrames[frame], Unpack(Edn, frame));
    }

    [Theory]
    [InlineData("[[[:my/push {:n 1}] [:my/push {:n 2}] [:my/other]] nil]", 3)]
    [InlineData("[[[:my/push {:n 1}] [:my/push {:n 2}]] nil]", 2)]
    public void Push_batch_from_prepacked_events_matches_Sente(string frame, int count)
    {
        Assert.Equal(frame, Batch(Edn, PushBatch.Take(count)));
    }

    [Theory]
    [InlineData("[[[:my/urgent 1]] nil]", "my/urgent", 1)]
    [InlineData("[[[:my/push 1]] nil]", "my/push", 1)]
    [InlineData("[[[:my/anon-push \"x\"]] nil]", "my/anon-push", "x")]
    public void Single_push_batch_matches_Sente(string frame, string id, object data)
    {
        EdnValue value = data is int n ? n : (string)data;
        Assert.Equal(frame, Batch(Edn, [SenteEvent.Create(id, value)]));
    }

    [Fact]
    public void Empty_batch_is_an_empty_vector()
    {
        Assert.Equal("[[] nil]", Batch(Edn, []));
    }

    [Theory]
    [MemberData(nameof(ReceivedFrames))]
    public void Client_frame_reads_to_the_right_value_and_message(string frame)
    {
        var (expected, ev, callback) = ClientFrames[frame];
        var value = Unpack(Edn, frame);
        Assert.Equal(expected, value);
        var message = Envelope.ReadClientMessage(value, Edn.EventIdsAreStrings);
        Assert.Equal(ev, message.Event);
        Assert.Equal(callback, message.CallbackId);
        Assert.Equal(frame, Pack(Edn, value));
    }

    [Fact]
    public void Unbalanced_frame_from_malformed_transcript_fails_with_a_position()
    {
        Assert.Contains(Vectors.Received(), f => f.Text == "[[:my/ev {:a 1] nil]");
        var e = Assert.Throws<SentePackException>(() => Unpack(Edn, "[[:my/ev {:a 1] nil]"));
        Assert.Equal(14, e.Position);
        Assert.Contains("Unmatched delimiter ].", e.Message);
    }

    [Fact]
    public void Map_frame_from_malformed_transcript_reads_but_is_not_an_envelope()
    {
        Assert.Contains(Vectors.Received(), f => f.Text == "{:not :a-vector}");
        var value = Unpack(Edn, "{:not :a-vector}");
        Assert.Equal(Map((K("not"), K("a-vector"))), value);
        Assert.Throws<SentePackException>(() => Envelope.ReadClientMessage(value, Edn.EventIdsAreStrings));
    }

    [Fact]
    public void Every_transcript_line_that_is_a_form_reads_as_EDN()
    {
        var count = 0;
        foreach (var file in new[] { "edn.txt", "timing.txt", "client.txt", "malformed.txt" })
        {
            foreach (var line in Vectors.Lines(file).Where(l => l.StartsWith('[')))
            {
                Assert.IsType<EdnVector>(EdnReader.Read(line));
                count++;
            }
        }

        Assert.True(count > 80, $"only {count} transcript lines read");
    }
}
