using System.Collections.Immutable;
using System.Numerics;
using System.Text;
using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>Frames a hostile client sends, and values no packer may choke on.</summary>
public sealed class HostileInputTests
{
    private const int MaxDepth = 100;
    private const int MaxDigits = 4096;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static TheoryData<string> AdversarialFrames() => new()
    {
        // Lone surrogates, as string escapes, chars and map keys.
        "\"\\ud800\"",
        "\"a\\uDC00b\"",
        "\\ud800",
        "\\uD800",
        "\\udfff",
        "{\"\\ud800\" 1}",
        "{\\ud800 1}",
        "#{\\ud800 \"\\udbff\"}",
        "[[:my/ev \"\\ud800\"] \"cb\"]",
        "\"\\ud800\"",
        "{\"k\\ud800\":1}",
        "[\"\\ud800\"]",
        "\"\\u0000\"",
        "\\u0000",
        "\"\u0000\"",
        // Numbers: radix and hex forms print longer than they read, overflowing ratios and decimals.
        "0x" + new string('F', 4000),
        "36r" + new string('Z', 4000),
        "-0" + new string('7', 4000),
        "2r" + new string('1', 4090),
        "1" + new string('0', 400) + "/3",
        "3/1" + new string('0', 400),
        "1" + new string('0', 400) + "/1" + new string('0', 399) + "1",
        "1e999999999M",
        "-1e-999999999M",
        "1" + new string('2', 4092) + "e1M",
        "1" + new string('2', 4080) + "e-4086M",
        "1e999999999",
        "1e400",
        "-1e400",
        "[1e400]",
        "1" + new string('0', 4090) + "N",
        "-" + new string('9', 4096),
        "-" + new string('9', 4096) + "N",
        // Names and tags that read but might not print back.
        "#:5{a 1}",
        "#:#x{a 1}",
        "#:1/2{a 1}",
        "#:ns{1 2, a 3, :b 4, _/c 5}",
        "#nil 1",
        "#true 1",
        "#false [1]",
        "#\U0001D49C 1",
        "#a/b/c 1",
        "#:nil{a 1}",
        // Instants and uuids at their edges.
        "#inst \"0001-01-01T00:00:00+23:59\"",
        "#inst \"9999-12-31T23:59:60.999-00:00\"",
        "#inst \"9999-12-31T23:59:59.999-01:00\"",
        "#inst \"0000-01-01\"",
        "#inst [1]",
        "#uuid \"not-a-uuid\"",
        "#uuid \"bed6400a-785e-4a83-a41d-e5b566cd89500\"",
        // Keys that collide once written as JSON object names.
        "{:a 1 \"a\" 2}",
        "{1 1 \"1\" 2}",
        "{\"a\":1,\"a\":2}",
    };

    [Theory]
    [MemberData(nameof(AdversarialFrames))]
    public void What_any_reader_accepts_every_packer_packs_and_reads_back(string frame)
    {
        Hostile.ReadAndPackEverywhere(Utf8(frame));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(97)]
    [InlineData(98)]
    [InlineData(99)]
    [InlineData(100)]
    public void Every_reader_and_packer_accepts_nesting_up_to_the_one_limit(int depth)
    {
        var edn = new string('[', depth) + new string(']', depth);
        var json = new string('[', depth) + new string(']', depth);
        var tagged = string.Concat(Enumerable.Repeat("#t ", depth - 1)) + "[1]";
        foreach (var (name, read) in Hostile.Readers)
        {
            Assert.IsType<EdnVector>(read(name == "msgpack" ? MsgpackPacker.Instance.PackToArray(EdnReader.Read(edn)) : Utf8(name.StartsWith("edn") ? edn : json)));
        }

        Hostile.PacksEverywhere(EdnReader.Read(edn), $"{depth} nested vectors");
        Hostile.PacksEverywhere(EdnReader.Read(tagged, new EdnReaderOptions { KeepUnknownTags = true }), $"{depth} nested tags");
        Hostile.ReadAndPackEverywhere(Utf8($"[[:my/ev {new string('[', Math.Max(0, depth - 3))}{new string(']', Math.Max(0, depth - 3))}] \"cb\"]"));
    }

    [Fact]
    public void Every_reader_and_packer_refuses_one_level_past_the_limit_with_the_parse_exception()
    {
        var text = new string('[', MaxDepth + 1) + new string(']', MaxDepth + 1);
        var msgpack = Enumerable.Repeat((byte)0x91, MaxDepth).Append((byte)0x90).ToArray();
        foreach (var (name, read) in Hostile.Readers)
        {
            var e = Assert.Throws<SentePackException>(() => read(name == "msgpack" ? msgpack : Utf8(text)));
            Assert.Contains($"Nested deeper than {MaxDepth}", e.Message);
        }

        var deep = EdnReader.Read("[" + new string('[', MaxDepth - 1) + new string(']', MaxDepth - 1) + "]");
        var deeper = new EdnVector(deep);
        var taggedDeeper = new EdnTagged(new EdnSymbol(null, "t"), deep);
        foreach (var (packer, _) in Hostile.Packers)
        {
            packer.PackToArray(deep);
            Assert.Contains($"nested deeper than {MaxDepth}", Assert.Throws<SentePackException>(() => packer.PackToArray(deeper)).Message);
            Assert.Throws<SentePackException>(() => packer.PackToArray(taggedDeeper));
        }
    }

    [Fact]
    public void A_client_event_whose_data_could_not_be_pushed_within_the_limit_is_refused_as_a_bad_frame()
    {
        // Pushed, data sits three levels down ([[[id data]] nil]); a client wraps it only two deep.
        var fits = $"[[:my/ev {new string('[', MaxDepth - 3)}{new string(']', MaxDepth - 3)}] \"cb\"]";
        var tooDeep = $"[[:my/ev {new string('[', MaxDepth - 2)}{new string(']', MaxDepth - 2)}] \"cb\"]";
        var tooDeepBadEvent = $"[{new string('[', MaxDepth - 2)}{new string(']', MaxDepth - 2)} \"cb\"]";
        foreach (var eventIdsAreStrings in new[] { false, true })
        {
            Envelope.ReadClientMessage(EdnReader.Read(fits), eventIdsAreStrings);
            var e = Assert.Throws<SentePackException>(() => Envelope.ReadClientMessage(EdnReader.Read(tooDeep), eventIdsAreStrings));
            Assert.Contains("too deep", e.Message);
            Assert.Throws<SentePackException>(() => Envelope.ReadClientMessage(EdnReader.Read(tooDeepBadEvent), eventIdsAreStrings));
        }
    }

    [Fact]
    public void A_million_digit_JSON_integer_is_refused_like_an_EDN_one()
    {
        var million = new string('7', 1_000_000);
        var json = Assert.Throws<SentePackException>(() => JsonPacker.Instance.Unpack(Utf8(million)));
        var edn = Assert.Throws<SentePackException>(() => EdnPacker.Instance.Unpack(Utf8(million)));
        Assert.StartsWith("Number longer than", json.Message);
        Assert.StartsWith("Number longer than", edn.Message);
        Assert.Throws<SentePackException>(() => JsonPacker.Instance.Unpack(Utf8("[1," + million + "]")));
        Assert.Throws<SentePackException>(() => JsonPacker.Instance.Unpack(Utf8("{\"n\":0." + million + "}")));
        Assert.Throws<SentePackException>(() => JsonPacker.Instance.Unpack(Utf8(million + "e5")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    public void Both_readers_take_integers_of_up_to_the_digit_limit_and_no_more(string sign)
    {
        var most = sign + new string('9', MaxDigits);
        var tooMany = sign + new string('9', MaxDigits + 1);

        // The text readers; a MessagePack integer is 64 bits at most by its format.
        foreach (var (name, read) in Hostile.Readers.Where(r => r.Name != "msgpack"))
        {
            Assert.Equal(BigInteger.Parse(most), Assert.IsType<EdnBigInt>(read(Utf8(most))).Value);
            var e = Assert.Throws<SentePackException>(() => read(Utf8(tooMany)));
            Assert.Contains($"more than {MaxDigits} digits", e.Message);
        }

        Assert.IsType<EdnBigInt>(EdnReader.Read(most + "N"));
        Assert.Throws<SentePackException>(() => EdnReader.Read(tooMany + "N"));
    }

    [Theory]
    [InlineData("0x", 'F')]
    [InlineData("0X", 'f')]
    [InlineData("36r", 'Z')]
    [InlineData("16r", 'f')]
    [InlineData("0", '7')]
    [InlineData("2r", '1')]
    public void An_integer_written_in_another_radix_is_bounded_by_its_decimal_digits(string prefix, char digit)
    {
        var lengths = Enumerable.Range(1, 12).Select(n => (1 << n) - 1).Append(SenteLimits.MaxNumberLength - prefix.Length);
        foreach (var length in lengths)
        {
            var token = prefix + new string(digit, length);
            try
            {
                var value = EdnReader.Read(token);
                var magnitude = value switch
                {
                    EdnLong l => new BigInteger(l.Value),
                    EdnBigInt b => b.Value,
                    _ => throw new Xunit.Sdk.XunitException($"{token} read as {value.GetType().Name}"),
                };
                Assert.InRange(BigInteger.Abs(magnitude).ToString().Length, 1, MaxDigits);
            }
            catch (SentePackException e)
            {
                Assert.Contains($"more than {MaxDigits} digits", e.Message);
            }
        }
    }

    [Fact]
    public void A_hex_integer_that_prints_past_the_digit_limit_is_refused()
    {
        // 3500 hex digits are 4215 decimal ones.
        var e = Assert.Throws<SentePackException>(() => EdnReader.Read("0x" + new string('F', 3500)));
        Assert.Contains($"more than {MaxDigits} digits", e.Message);
        Assert.IsType<EdnBigInt>(EdnReader.Read("0x" + new string('F', 3400)));
    }

    [Fact]
    public void Ratios_and_decimals_are_bounded_by_their_digits()
    {
        var half = new string('7', MaxDigits / 2);
        var power = "1" + new string('0', (MaxDigits / 2) - 1);
        Assert.IsType<EdnRatio>(EdnReader.Read($"{half}/{power}"));
        var ratio = Assert.Throws<SentePackException>(() => EdnReader.Read($"{half}7/{power}"));
        Assert.Contains($"more than {MaxDigits} digits", ratio.Message);
        Assert.IsType<EdnBigDecimal>(EdnReader.Read(new string('1', MaxDigits) + "e-7M"));
        var dec = Assert.Throws<SentePackException>(() => EdnReader.Read(new string('1', MaxDigits + 1) + "M"));
        Assert.Contains($"more than {MaxDigits} digits", dec.Message);
        var fraction = Assert.Throws<SentePackException>(() => EdnReader.Read("1." + new string('1', MaxDigits)));
        Assert.Contains($"more than {MaxDigits} digits", fraction.Message);
        Assert.IsType<EdnDouble>(JsonPacker.Instance.Unpack(Utf8("1." + new string('1', MaxDigits - 1))));
        Assert.Throws<SentePackException>(() => JsonPacker.Instance.Unpack(Utf8("1." + new string('1', MaxDigits))));
    }

    /// <summary>Numbers an application built past the digit limit, alone and where a packer meets them (map keys, sets, tags).</summary>
    public static TheoryData<string, EdnValue> NumbersPastTheDigitLimit()
    {
        var million = BigInteger.One << 3_321_929; // 1,000,000 digits
        var justPast = BigInteger.Pow(10, MaxDigits);
        var half = BigInteger.Pow(10, MaxDigits / 2);
        return new()
        {
            { "a million-digit integer", new EdnBigInt(million) },
            { "a negative million-digit integer", new EdnBigInt(-million) },
            { "an integer one digit past the limit", new EdnBigInt(justPast) },
            { "a negative integer one digit past the limit", new EdnBigInt(-justPast) },
            { "a ratio over a million-digit denominator", new EdnRatio(1, million) },
            { "a ratio of a million-digit numerator", new EdnRatio(million + 1, 2) },
            { "a ratio whose parts together pass the limit", new EdnRatio(half + 1, half) },
            { "a million-digit decimal", new EdnBigDecimal("1" + new string('0', 1_000_000)) },
            { "a decimal one digit past the limit", new EdnBigDecimal("1." + new string('5', MaxDigits)) },
            { "a map key", Map((new EdnBigInt(million), 1)) },
            { "a set member", Set(new EdnBigInt(million)) },
            { "a tagged value", new EdnTagged(new EdnSymbol("my", "big"), new EdnBigInt(million)) },
        };
    }

    [Theory]
    [MemberData(nameof(NumbersPastTheDigitLimit))]
    public void Every_packer_refuses_a_number_an_application_built_past_the_digit_limit(string what, EdnValue value)
    {
        foreach (var (packer, _) in Hostile.Packers)
        {
            var e = Assert.Throws<SentePackException>(() => packer.PackToArray(new EdnVector(new EdnKeyword("my", "ev"), value)));
            Assert.True(e.Message.Contains($"more than {MaxDigits} digits", StringComparison.Ordinal), $"{packer.Name}, {what}: {e.Message}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    public void Every_packer_writes_numbers_of_up_to_the_digit_limit(string sign)
    {
        var most = BigInteger.Parse(sign + new string('9', MaxDigits));
        var half = BigInteger.Parse(sign + new string('9', MaxDigits / 2));
        var values = new EdnValue[]
        {
            new EdnBigInt(most),
            new EdnBigInt(sign == "-" ? -BigInteger.Pow(2, 13606) : BigInteger.Pow(2, 13606)),
            EdnRatio.Create(half, BigInteger.Pow(10, (MaxDigits / 2) - 1) + 1),
            new EdnBigDecimal(sign + "0.000" + new string('7', MaxDigits)),
            new EdnBigDecimal(sign + new string('1', MaxDigits) + "E+99"),
            Map((new EdnBigInt(most), 1)),
        };
        foreach (var value in values)
        {
            Hostile.PacksEverywhere(value, $"a number of {MaxDigits} digits ({value.GetType().Name})");
        }
    }

    [Fact]
    public void JSON_reads_a_number_beyond_a_double_as_an_infinity_as_JavaScript_does()
    {
        Assert.Equal(new EdnDouble(double.PositiveInfinity), JsonPacker.Instance.Unpack(Utf8("1e400")));
        Assert.Equal(new EdnDouble(double.NegativeInfinity), JsonPacker.Instance.Unpack(Utf8("-1E+999999999")));
        Assert.Equal(new EdnDouble(0), JsonPacker.Instance.Unpack(Utf8("1e-999999999")));
        Assert.Equal("null", Pack(JsonPacker.Instance, JsonPacker.Instance.Unpack(Utf8("1e400"))));
    }

    [Fact]
    public void JSON_writes_a_lone_surrogate_as_the_replacement_character()
    {
        Assert.Equal("\"a\\uFFFDb\"", Pack(JsonPacker.Instance, S("a\uD800b")));
        Assert.Equal("\"\\uFFFD\"", Pack(JsonPacker.Instance, new EdnChar(0xDC00)));
        Assert.Equal("{\"\\uFFFD\":1,\":k\\uFFFD\":\"\\uFFFD/x\"}", Pack(JsonPacker.Instance, Map((S("\uD800"), 1), (S(":k\uDFFF"), new EdnSymbol("\uDBFF", "x")))));
        Assert.Equal("\"\\uD83D\\uDE00\"", Pack(JsonPacker.Instance, S("\U0001F600")));
        Assert.Equal("\"\\uD800\"", Pack(EdnPacker.Instance, S("\uD800")));
        Assert.Equal(S("\uD800"), EdnReader.Read("\"\\uD800\""));
    }

    [Fact]
    public void JSON_refuses_a_lone_surrogate_escape_with_the_parse_exception()
    {
        var e = Assert.Throws<SentePackException>(() => JsonPacker.Instance.Unpack(Utf8("[\"\\ud800\"]")));
        Assert.Contains("surrogate", e.Message);
        Assert.Throws<SentePackException>(() => JsonPacker.Instance.Unpack(Utf8("{\"\\udc00\":1}")));
    }

    [Fact]
    public void JSON_takes_the_last_of_duplicate_object_names_as_JavaScript_does()
    {
        Assert.Equal(Map((K("a"), 2), (K("b"), 3)), JsonPacker.Instance.Unpack(Utf8("{\"a\":1,\"b\":3,\"a\":2}")));
        var written = Pack(JsonPacker.Instance, Map((K("a"), 1), (S("a"), 2)));
        Assert.Equal("{\"a\":1,\"a\":2}", written);
        Assert.Equal(Map((K("a"), 2)), JsonPacker.Instance.Unpack(Utf8(written)));
    }

    public static TheoryData<string, EdnValue> UnwritableValues() => new()
    {
        { "code point below zero", new EdnChar(-1) },
        { "code point above U+10FFFF", new EdnChar(0x110000) },
        { "keyword with a space", new EdnKeyword(null, "a b") },
        { "ratio over zero", new EdnRatio(1, 0) },
        { "decimal that is no number", new EdnBigDecimal("1.2.3") },
        { "tag that is a number", new EdnTagged(new EdnSymbol(null, "1"), 1) },
        { "null inside a vector", new EdnVector(ImmutableArray.Create(new EdnValue[] { null! })) },
        { "null tag and value", new EdnTagged(null!, null!) },
        { "null string", new EdnString(null!) },
        { "null keyword name", new EdnKeyword(null, null!) },
        { "null symbol", new EdnSymbol(null, null!) },
        { "null decimal", new EdnBigDecimal(null!) },
        { "null map value", EdnMap.Create([KeyValuePair.Create<EdnValue, EdnValue>(1, null!)]) },
    };

    [Theory]
    [MemberData(nameof(UnwritableValues))]
    public void A_packer_fails_only_with_the_pack_exception_on_a_value_it_cannot_write(string what, EdnValue value)
    {
        foreach (var (packer, _) in Hostile.Packers)
        {
            try
            {
                packer.PackToArray(value);
            }
            catch (Exception e) when (e is not SentePackException)
            {
                throw new Xunit.Sdk.XunitException($"{packer.Name} threw {e.GetType().Name} for a {what}: {e.Message}");
            }
            catch (SentePackException)
            {
            }
        }
    }
}
