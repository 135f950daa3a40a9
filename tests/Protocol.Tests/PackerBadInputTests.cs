using System.Text;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Bad Transit and MessagePack frames are refused with <see cref="SentePackException"/>, as bad EDN is.</summary>
public sealed class PackerBadInputTests
{
    public static TheoryData<string, int> CapturedFrames()
    {
        var data = new TheoryData<string, int>();
        foreach (var pair in PackerVectors.Transit().Concat(PackerVectors.Msgpack()))
        {
            data.Add(pair.File, pair.Line);
        }

        return data;
    }

    private static ISentePacker PackerOf(string file) => file == "transit.txt" ? TransitPacker.Instance : MsgpackPacker.Instance;

    [Theory]
    [MemberData(nameof(CapturedFrames))]
    public void Every_truncation_of_a_captured_frame_is_refused_with_the_parse_exception(string file, int line)
    {
        var frame = (file == "transit.txt" ? PackerVectors.Transit() : PackerVectors.Msgpack()).Single(p => p.Line == line).Packed;
        for (var length = 0; length < frame.Length; length++)
        {
            var e = Assert.Throws<SentePackException>(() => PackerOf(file).Unpack(frame.AsSpan(0, length)));
            Assert.InRange(e.Position, -1, length);
        }
    }

    [Theory]
    [InlineData("[[\"^0\",[\"^ \",\"~:n\",2]],null]", "'^0' was never defined")]
    [InlineData("[[\"~:my/push\",1],[\"^1\",2]]", "'^1' was never defined")]
    [InlineData("[\"~:my/push\",\"^z\"]", "'^z' was never defined")]
    [InlineData("[\"^\"]", "'^' was never defined")]
    public void A_Transit_cache_code_never_defined_is_refused(string frame, string message)
    {
        var e = Assert.Throws<SentePackException>(() => TransitPacker.Instance.Unpack(Encoding.UTF8.GetBytes(frame)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_MessagePack_cached_key_never_defined_is_refused_and_one_outside_a_map_key_too()
    {
        // [{:n 1} {#cached-key 1 2}]: only index 0 was defined.
        var undefined = Convert.FromHexString("9281d4006e0181d4080102");
        Assert.Contains("Cached key 1 was never defined", Assert.Throws<SentePackException>(() => MsgpackPacker.Instance.Unpack(undefined)).Message);
        var outside = Convert.FromHexString("9281d4006e01d40800");
        Assert.Contains("outside a map key", Assert.Throws<SentePackException>(() => MsgpackPacker.Instance.Unpack(outside)).Message);
    }

    [Fact]
    public void A_frame_over_the_size_limit_is_refused_as_EDN_refuses_it()
    {
        var options = new EdnReaderOptions { MaxInputBytes = 64 };
        var big = "[\"" + new string('x', 100) + "\"]";
        var edn = Assert.Throws<SentePackException>(() => new EdnPacker(options).Unpack(Encoding.UTF8.GetBytes(big)));
        var transit = Assert.Throws<SentePackException>(() => new TransitPacker(options).Unpack(Encoding.UTF8.GetBytes(big)));
        var msgpack = Assert.Throws<SentePackException>(() => new MsgpackPacker(options).Unpack(MsgpackPacker.Instance.PackToArray(new EdnVector(new EdnString(new string('x', 100))))));
        Assert.Equal(edn.Message, transit.Message);
        Assert.Equal(edn.Message, msgpack.Message);
        Assert.Equal("Frame larger than 64 bytes (at 0)", edn.Message);
    }

    [Theory]
    [InlineData("[\"~#foo\",1]", "Unknown Transit tag 'foo'")]
    [InlineData("[\"~:two words\"]", "keyword EDN cannot carry")]
    [InlineData("[\"~bAAAA\"]", "No value for the Transit form '~b'")]
    [InlineData("[\"~i12x\"]", "Not an integer")]
    [InlineData("[\"~m99999999999999999\"]", "Not an instant")]
    [InlineData("[1] [2]", "Malformed Transit")]
    [InlineData("", "Malformed Transit")]
    public void Transit_forms_with_no_EDN_value_are_refused(string frame, string message)
    {
        var e = Assert.Throws<SentePackException>(() => TransitPacker.Instance.Unpack(Encoding.UTF8.GetBytes(frame)));
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("91c40101", "Binary")]
    [InlineData("91d40701", "extension type 7")]
    [InlineData("91c7020020ff", "not valid UTF-8")]
    [InlineData("91dd7fffffff", "Truncated")]
    [InlineData("9001", "Trailing data")]
    public void MessagePack_data_with_no_EDN_value_is_refused(string hex, string message)
    {
        var e = Assert.Throws<SentePackException>(() => MsgpackPacker.Instance.Unpack(Convert.FromHexString(hex)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void MessagePack_reads_what_Sente_in_a_browser_writes_float32_and_the_short_timestamps()
    {
        Assert.Equal(new EdnVector(new EdnDouble(1.5)), MsgpackPacker.Instance.Unpack(Convert.FromHexString("91ca3fc00000")));
        var at = DateTimeOffset.FromUnixTimeSeconds(1704164645);
        Assert.Equal(new EdnVector(new EdnInst(at)), MsgpackPacker.Instance.Unpack(Convert.FromHexString("91d6ff65937d25")));
        Assert.Equal(new EdnVector(new EdnInst(at.AddMilliseconds(6))), MsgpackPacker.Instance.Unpack(Convert.FromHexString("91d7ff016e360065937d25")));
    }
}
