using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Every frame of Sente's Transit and MessagePack transcripts, written byte for byte and read back.</summary>
public sealed class PackerVectorTests
{
    private static readonly SenteEvent[] PushBatch = [SenteEvent.Create("my/push", Map((K("n"), 1))), SenteEvent.Create("my/push", Map((K("n"), 2))), SenteEvent.Create("my/other")];

    public static TheoryData<string, int> TransitLines() => Lines(PackerVectors.Transit());

    public static TheoryData<string, int> MsgpackLines() => Lines(PackerVectors.Msgpack());

    private static TheoryData<string, int> Lines(IEnumerable<PackerVectors.Pair> pairs)
    {
        var data = new TheoryData<string, int>();
        foreach (var pair in pairs)
        {
            data.Add(pair.File, pair.Line);
        }

        return data;
    }

    private static ISentePacker PackerOf(string file) => file == "transit.txt" ? TransitPacker.Instance : MsgpackPacker.Instance;

    private static PackerVectors.Pair PairAt(string file, int line) =>
        (file == "transit.txt" ? PackerVectors.Transit() : PackerVectors.Msgpack()).Single(p => p.Line == line);

    [Fact]
    public void Transcripts_hold_the_frames_these_tests_expect()
    {
        Assert.Equal(11, PackerVectors.Transit().Count);
        Assert.Equal(12, PackerVectors.Msgpack().Count);
    }

    [Theory]
    [MemberData(nameof(TransitLines))]
    [MemberData(nameof(MsgpackLines))]
    public void Frame_is_packed_byte_for_byte(string file, int line)
    {
        var pair = PairAt(file, line);
        var packed = PackerOf(file).PackToArray(EdnReader.Read(pair.Edn));
        Assert.Equal(Convert.ToHexString(pair.Packed), Convert.ToHexString(packed));
    }

    [Theory]
    [MemberData(nameof(TransitLines))]
    [MemberData(nameof(MsgpackLines))]
    public void Frame_reads_to_the_value_Sente_packed(string file, int line)
    {
        var pair = PairAt(file, line);
        Assert.Equal(EdnReader.Read(pair.Edn), PackerOf(file).Unpack(pair.Packed));
    }

    [Theory]
    [MemberData(nameof(TransitLines))]
    [MemberData(nameof(MsgpackLines))]
    public void Client_frames_read_to_the_message_the_EDN_frame_makes(string file, int line)
    {
        var pair = PairAt(file, line);
        var edn = EdnReader.Read(pair.Edn);
        if (edn is not EdnVector { Count: 2 } v || v[0] is not EdnVector { Count: > 0 } ev || ev[0] is not EdnKeyword { IsNamespaced: true } || v[0].Equals(Envelope.HandshakeFrame(S("alice"), null)[0]))
        {
            return;
        }

        var packer = PackerOf(file);
        Assert.Equal(Envelope.ReadClientMessage(edn, false), Envelope.ReadClientMessage(packer.Unpack(pair.Packed), packer.EventIdsAreStrings));
    }

    [Fact]
    public void Verbose_Transit_handshake_reads_as_the_cached_one()
    {
        var cached = PackerVectors.Transit()[0];
        Assert.Equal(TransitPacker.Instance.Unpack(cached.Packed), Unpack(TransitPacker.Instance, PackerVectors.TransitVerboseHandshake()));
    }

    [Theory]
    [InlineData("transit.txt")]
    [InlineData("msgpack.txt")]
    public void Push_batch_from_prepacked_events_matches_Sente_and_its_cache(string file)
    {
        var packer = PackerOf(file);
        var expected = (file == "transit.txt" ? PackerVectors.Transit() : PackerVectors.Msgpack()).Single(p => p.Edn.Contains("[:my/other]")).Packed;
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(BatchBytes(packer, PushBatch)));
    }

    [Theory]
    [InlineData("transit")]
    [InlineData("msgpack")]
    public void Batch_with_cached_strings_inside_sets_and_nested_maps_equals_packing_the_whole_frame(string name)
    {
        ISentePacker packer = name == "transit" ? TransitPacker.Instance : MsgpackPacker.Instance;
        var events = new[]
        {
            SenteEvent.Create("chat/msg", Map((K("from"), S("alice")), (K("tags"), Set(Map((K("from"), 1)), K("chat/msg"))))),
            SenteEvent.Create("chat/msg", Map((K("tags"), Set(Map((K("from"), 2), (S("name"), 3)))), (K("from"), S("bob")))),
            SenteEvent.Create("chat/other", Map((Map((K("from"), 1)), S("x")), (S("name"), K("chat/msg")))),
        };
        var whole = packer.PackToArray(Envelope.BatchFrame(events));
        Assert.Equal(Convert.ToHexString(whole), Convert.ToHexString(BatchBytes(packer, events)));
        Assert.Equal(Envelope.BatchFrame(events), packer.Unpack(whole));
    }

    [Fact]
    public void Gzip_wrapped_EDN_line_is_an_uncompressed_marker_and_the_EDN_frame()
    {
        var (packed, edn) = PackerVectors.GzipEdn();
        Assert.Equal(0, packed[0]);
        Assert.Equal(EdnReader.Read(edn), EdnPacker.Instance.Unpack(packed.AsSpan(1)));
    }

    private static byte[] BatchBytes(ISentePacker packer, IEnumerable<SenteEvent> events)
    {
        var packed = events.Select(e => (ReadOnlyMemory<byte>)packer.PackToArray(e.ToVector())).ToList();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        packer.WriteBatch(packed, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
