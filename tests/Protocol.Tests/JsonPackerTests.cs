using System.Numerics;
using System.Text;
using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

public sealed class JsonPackerTests
{
    private static readonly JsonPacker Json = JsonPacker.Instance;

    [Fact]
    public void Describes_itself_as_a_text_packer_with_string_event_ids()
    {
        Assert.Equal("json", Json.Name);
        Assert.False(Json.IsBinary);
        Assert.True(Json.EventIdsAreStrings);
        Assert.Equal("edn", EdnPacker.Instance.Name);
        Assert.False(EdnPacker.Instance.IsBinary);
        Assert.False(EdnPacker.Instance.EventIdsAreStrings);
    }

    [Fact]
    public void Envelope_frames_map_to_JSON()
    {
        Assert.Equal("[[\":chsk/handshake\",[\"alice\",null,{\"server\":\"s1\"}]],null]", Pack(Json, Envelope.HandshakeFrame(S("alice"), EdnMap.Of(("server", "s1")))));
        Assert.Equal("[\":chsk/ws-ping\",null]", Pack(Json, Envelope.ServerPingFrame));
        Assert.Equal("[{\"answer\":42},\"a1b2c3\"]", Pack(Json, Envelope.ReplyFrame(EdnMap.Of(("answer", 42)), S("a1b2c3"))));
    }

    [Fact]
    public void Every_kind_of_value_has_a_JSON_form()
    {
        var value = Vec(
            Nil, true, 42, 1.5, double.NaN, Big(10), new EdnBigDecimal("1.50"), new EdnRatio(1, 4), "s", K("ns/kw"), new EdnSymbol("a", "b"),
            new EdnChar('c'), Guid.Parse("bed6400a-785e-4a83-a41d-e5b566cd8950"), new DateTimeOffset(2024, 1, 2, 3, 4, 5, 6, TimeSpan.Zero),
            new EdnTagged(new EdnSymbol(null, "t"), 1), List(1), Set(2), Map((K("k"), 1), (S("s"), 2), (7, 3), (K("a/b"), 4)));
        Assert.Equal(
            "[null,true,42,1.5,null,10,1.50,0.25,\"s\",\":ns/kw\",\"a/b\",\"c\",\"bed6400a-785e-4a83-a41d-e5b566cd8950\","
            + "\"2024-01-02T03:04:05.006Z\",1,[1],[2],{\"k\":1,\"s\":2,\"7\":3,\"a/b\":4}]",
            Pack(Json, value));
    }

    [Fact]
    public void JSON_reads_objects_as_keyword_maps_and_arrays_as_vectors()
    {
        Assert.Equal(
            Vec(Vec(":my/req", Map((K("q"), 1), (K("a/b"), Vec(1.5, Nil, true)))), "cb"),
            Unpack(Json, "[[\":my/req\",{\"q\":1,\"a/b\":[1.5,null,true]}],\"cb\"]"));
        Assert.Equal(new EdnBigInt(BigInteger.Parse("123456789012345678901234")), Unpack(Json, "123456789012345678901234"));
        var message = Envelope.ReadClientMessage(Unpack(Json, "[[\"my/req\",1],\"cb\"]"), Json.EventIdsAreStrings);
        Assert.Equal(SenteEvent.Create("my/req", 1), message.Event);
        Assert.Equal(SenteEvent.Create("my/req", 1), Envelope.ReadClientMessage(Unpack(Json, "[[\":my/req\",1]]"), true).Event);
    }

    [Fact]
    public void Object_keys_that_no_EDN_keyword_can_carry_stay_strings_and_print_as_EDN()
    {
        var value = Unpack(Json, "{\"\":1,\"two words\":2,\":x\":3,\"a/\":4,\"ok\":5}");
        Assert.Equal(Map((S(""), 1), (S("two words"), 2), (S(":x"), 3), (S("a/"), 4), (K("ok"), 5)), value);
        Assert.Equal("{\"\" 1, \"two words\" 2, \":x\" 3, \"a/\" 4, :ok 5}", Pack(EdnPacker.Instance, value));
        Assert.Equal("{\"\":1,\"two words\":2,\":x\":3,\"a/\":4,\"ok\":5}", Pack(Json, value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1,")]
    [InlineData("[1]]")]
    [InlineData("[1] 2")]
    [InlineData("{\"a\" 1}")]
    [InlineData("nul")]
    [InlineData("[1,]")]
    [InlineData("'single'")]
    public void Malformed_JSON_fails_with_the_pack_exception(string frame)
    {
        Assert.Throws<SentePackException>(() => Unpack(Json, frame));
    }

    [Fact]
    public void Invalid_UTF8_and_deep_nesting_fail_with_the_pack_exception()
    {
        Assert.Throws<SentePackException>(() => Json.Unpack([(byte)'"', 0xC3, (byte)'"']));
        Assert.Throws<SentePackException>(() => Json.Unpack([(byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}']));
        Assert.Throws<SentePackException>(() => Unpack(Json, new string('[', 101) + new string(']', 101)));
        Assert.IsType<EdnVector>(Unpack(Json, new string('[', 100) + new string(']', 100)));
    }

    [Fact]
    public void Decimal_text_that_is_not_a_number_is_refused_rather_than_written_raw()
    {
        Assert.Throws<SentePackException>(() => Pack(Json, Vec(new EdnBigDecimal("1],\"injected\":[1"))));
        Assert.Equal("[1E+3]", Pack(Json, Vec(new EdnBigDecimal("1e3"))));
    }

    [Fact]
    public void WriteBatch_writes_the_push_envelope_from_prepacked_events()
    {
        var events = new[] { SenteEvent.Create("my/push", EdnMap.Of(("n", 1))), SenteEvent.Create("my/other") };
        Assert.Equal("[[[\":my/push\",{\"n\":1}],[\":my/other\"]],null]", Batch(Json, events));
        Assert.Equal("[[],null]", Batch(Json, []));
        Assert.Equal(2, Assert.IsType<EdnVector>(Assert.IsType<EdnVector>(Unpack(Json, Batch(Json, events)))[0]).Count);
    }

    [Fact]
    public void Random_bytes_fail_only_with_the_pack_exception()
    {
        var random = new Random(1234);
        int read = 0, refused = 0;
        var alphabet = Encoding.UTF8.GetBytes("[]{}\",:0123456789.eE-+truefalsnl \\u\"é");
        for (var i = 0; i < 3000; i++)
        {
            var frame = new byte[random.Next(0, 40)];
            for (var j = 0; j < frame.Length; j++)
            {
                frame[j] = i % 2 == 0 ? (byte)random.Next(256) : alphabet[random.Next(alphabet.Length)];
            }

            try
            {
                // Whatever reads packs again, with both packers.
                var value = Json.Unpack(frame);
                Json.Pack(value, new System.Buffers.ArrayBufferWriter<byte>());
                EdnPacker.Instance.Pack(value, new System.Buffers.ArrayBufferWriter<byte>());
                read++;
            }
            catch (SentePackException)
            {
                refused++;
            }
        }

        // Both paths ran: a generator that only ever produced garbage (or only valid JSON) tests little.
        Assert.InRange(read, 10, 2990);
        Assert.InRange(refused, 10, 2990);
    }
}
