using System.Numerics;
using System.Text;
using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

public sealed class EdnReaderTests
{
    private static EdnValue Read(string edn) => EdnReader.Read(edn);

    [Fact]
    public void Commas_comments_and_discards_are_whitespace()
    {
        Assert.Equal(Vec(1, 2, 3), Read(" [1,,2 ; a comment ] \n #_ 99 #_[4 5] 3 #_#_ 6 7] "));
        Assert.Equal(Vec(1), Read("#! shebang-like comment\n[1]"));
        Assert.Equal(Vec(1), Read("[1\r;x\r]"));
    }

    [Fact]
    public void Java_whitespace_is_whitespace_but_no_break_space_is_not()
    {
        Assert.Equal(Vec(1, 2), Read("[1\u20032\u001F]"));
        Assert.Equal(new EdnSymbol(null, "a\u00A0b"), Read("a\u00A0b"));
    }

    public static TheoryData<string, EdnValue> Numbers() => new()
    {
        { "0", 0 }, { "-0", 0 }, { "+7", 7 }, { "-42", -42 }, { "9223372036854775807", long.MaxValue },
        { "-9223372036854775808", long.MinValue },
        { "9223372036854775808", new EdnBigInt(BigInteger.Parse("9223372036854775808")) },
        { "10N", Big(10) }, { "-0N", Big(0) }, { "0x1F", 31 }, { "-0X1f", -31 }, { "017", 15 }, { "2r101", 5 }, { "36rZZ", 1295 },
        { "0x1FN", Big(31) }, { "1.5", 1.5 }, { "1.", 1.0 }, { "-2.5e3", -2500.0 }, { "1E-2", 0.01 }, { "1e400", double.PositiveInfinity },
        { "-0.0", -0.0 }, { "1.5M", new EdnBigDecimal("1.5") }, { "1.50M", new EdnBigDecimal("1.50") }, { "7M", new EdnBigDecimal("7") },
        { "1e3M", new EdnBigDecimal("1E+3") }, { "0.0000001M", new EdnBigDecimal("1E-7") }, { "-1.5e-2M", new EdnBigDecimal("-0.015") },
        { "1/3", new EdnRatio(1, 3) }, { "##Inf", double.PositiveInfinity }, { "##-Inf", double.NegativeInfinity }, { "##NaN", double.NaN },
    };

    [Theory]
    [MemberData(nameof(Numbers))]
    public void Numbers_read_as_Clojure_reads_them(string edn, EdnValue expected)
    {
        Assert.Equal(expected, Read(edn));
    }

    [Fact]
    public void Negative_zero_double_keeps_its_sign()
    {
        Assert.True(double.IsNegative(Assert.IsType<EdnDouble>(Read("-0.0")).Value));
    }

    public static TheoryData<string, string> Strings() => new()
    {
        { "\"\"", "" }, { "\"plain é 😀\"", "plain é 😀" }, { "\"a\\tb\\rc\\nd\\\\e\\\"f\\bg\\fh\"", "a\tb\rc\nd\\e\"f\bg\fh" },
        { "\"\\u00e9\\u20AC\"", "é€" }, { "\"\\uD83D\\uDE00\"", "😀" }, { "\"\\0\\12\\101\\377\"", "\0\n\u0041\u00FF" },
        { "\"multi\nline\"", "multi\nline" }, { "\"raw\u0001control\"", "raw\u0001control" },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void Strings_read_with_every_escape(string edn, string expected)
    {
        Assert.Equal(new EdnString(expected), Read(edn));
    }

    public static TheoryData<string, int> Chars() => new()
    {
        { "\\c", 'c' }, { "\\newline", '\n' }, { "\\space", ' ' }, { "\\tab", '\t' }, { "\\backspace", '\b' }, { "\\formfeed", '\f' },
        { "\\return", '\r' }, { "\\u00e9", 'é' }, { "\\o101", 'A' }, { "\\é", 'é' }, { "\\😀", 0x1F600 }, { "\\u", 'u' }, { "\\(", '(' },
        { "\\\\", '\\' }, { "\\\"", '"' },
    };

    [Theory]
    [MemberData(nameof(Chars))]
    public void Chars_read_by_name_code_or_as_is(string edn, int codePoint)
    {
        Assert.Equal(new EdnChar(codePoint), Read(edn));
        Assert.Equal(Vec(new EdnChar(codePoint), 1), Read("[" + edn + " 1]"));
    }

    [Fact]
    public void Symbols_and_keywords_split_at_the_first_slash()
    {
        Assert.Equal(new EdnSymbol("foo", "bar"), Read("foo/bar"));
        Assert.Equal(new EdnSymbol(null, "/"), Read("/"));
        Assert.Equal(new EdnSymbol("clojure.core", "/"), Read("clojure.core//"));
        Assert.Equal(new EdnKeyword("a", "b/c"), Read(":a/b/c"));
        Assert.Equal(new EdnKeyword(null, "x?!*+-_<>=$%&'#:"), Read(":x?!*+-_<>=$%&'#:"));
        Assert.Equal(new EdnSymbol(null, "+"), Read("+"));
        Assert.Equal(new EdnSymbol(null, "-a"), Read("-a"));
        Assert.Equal(new EdnSymbol(null, "é"), Read("é"));
        Assert.Equal(Vec(EdnNil.Instance, true, false, new EdnSymbol(null, "nilly")), Read("[nil true false nilly]"));
    }

    [Theory]
    [InlineData("#inst \"2024-01-02T03:04:05.006-00:00\"", "2024-01-02T03:04:05.006Z")]
    [InlineData("#inst \"2024-01-02T03:04:05.006Z\"", "2024-01-02T03:04:05.006Z")]
    [InlineData("#inst \"2024-01-02T03:04:05.006789123+01:30\"", "2024-01-02T01:34:05.006Z")]
    [InlineData("#inst \"2024-01-02T03:04:05.1-05:00\"", "2024-01-02T08:04:05.100Z")]
    [InlineData("#inst \"2024-01-02T03:04:05\"", "2024-01-02T03:04:05.000Z")]
    [InlineData("#inst \"2024-01-02T03:04\"", "2024-01-02T03:04:00.000Z")]
    [InlineData("#inst \"2024-02-29\"", "2024-02-29T00:00:00.000Z")]
    [InlineData("#inst \"2024-03\"", "2024-03-01T00:00:00.000Z")]
    [InlineData("#inst \"2024\"", "2024-01-01T00:00:00.000Z")]
    [InlineData("#inst \"2016-12-31T23:59:60Z\"", "2017-01-01T00:00:00.000Z")]
    [InlineData("#inst\"2024-01-02T00:00:00+23:59\"", "2024-01-01T00:01:00.000Z")]
    public void Instants_read_with_any_precision_and_offset(string edn, string utc)
    {
        var inst = Assert.IsType<EdnInst>(Read(edn));
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), inst.Value);
        Assert.Equal(TimeSpan.Zero, inst.Value.Offset);
    }

    [Fact]
    public void Uuids_read_in_either_case()
    {
        var id = Guid.Parse("bed6400a-785e-4a83-a41d-e5b566cd8950");
        Assert.Equal(new EdnUuid(id), Read("#uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\""));
        Assert.Equal(new EdnUuid(id), Read("#uuid \"BED6400A-785E-4A83-A41D-E5B566CD8950\""));
    }

    [Fact]
    public void Namespaced_maps_qualify_their_bare_keys()
    {
        Assert.Equal(
            Map((K("user/name"), "al"), (K("age"), 3), (S("s"), 1), (K("x/y"), 2), (new EdnSymbol("user", "sym"), 4)),
            Read("#:user{:name \"al\" :_/age 3 \"s\" 1 :x/y 2 sym 4}"));
        Assert.Equal(Map((K("a/b"), 1)), Read("#:a {:b 1}"));
    }

    [Fact]
    public void Empty_collections_read()
    {
        Assert.Equal(Vec(EdnVector.Empty, List(), EdnMap.Empty, Set()), Read("[[] () {} #{}]"));
    }

    [Fact]
    public void Large_map_and_set_read_and_look_up()
    {
        var keys = Enumerable.Range(0, 500).ToArray();
        var map = Assert.IsType<EdnMap>(Read("{" + string.Join(", ", keys.Select(k => $":k{k} {k}")) + "}"));
        Assert.Equal(500, map.Count);
        Assert.Equal(new EdnLong(499), map["k499"]);
        var set = Assert.IsType<EdnSet>(Read("#{" + string.Join(" ", keys) + "}"));
        Assert.True(set.Contains(new EdnLong(250)));
        Assert.False(set.Contains(new EdnLong(500)));
    }

    public static TheoryData<string, string, int> Malformed() => new()
    {
        { "", "EOF while reading", 0 },
        { "   ; only a comment", "EOF while reading", 19 },
        { "[1 2", "EOF while reading", 4 },
        { "[1 2)", "Unmatched delimiter ).", 4 },
        { "]", "Unmatched delimiter ].", 0 },
        { "{:a}", "Map literal must contain an even number of forms", 0 },
        { "{:a 1 :a 2}", "Duplicate key: :a", 0 },
        { "#{1 1}", "Duplicate key: 1", 0 },
        { "{[1 2] 1 #{3} 2 [1 2] 3}", "Duplicate key: [1 2]", 0 },
        { "\"abc", "EOF while reading string", 0 },
        { "\"a\\qb\"", "Unsupported escape character: \\q", 2 },
        { "\"\\u12\"", "Invalid unicode escape", 1 },
        { "\"\\400\"", "Octal escape sequence must be in range [0, 377]", 1 },
        { "\\", "EOF while reading character", 0 },
        { "\\abc", "Unsupported character: \\abc", 0 },
        { "\\o400", "Octal escape sequence must be in range [0, 377]", 0 },
        { "08", "Invalid number: 08", 0 },
        { "1.5N", "Invalid number: 1.5N", 0 },
        { "1/0", "Divide by zero", 0 },
        { "12abc", "Invalid number: 12abc", 0 },
        { "0x", "Invalid number: 0x", 0 },
        { "37r1", "Invalid number: 37r1", 0 },
        { "2r2", "Invalid number: 2r2", 0 },
        { ".5", "Invalid token: .5", 0 },
        { "::auto", "Invalid token: ::auto", 0 },
        { ":", "Invalid token: :", 0 },
        { "a/", "Invalid token: a/", 0 },
        { "/a", "Invalid token: /a", 0 },
        { "##Foo", "Invalid token: ##Foo", 0 },
        { "#foo/bar 1", "No reader function for tag foo/bar.", 0 },
        { "#\"regex\"", "No dispatch macro for \".", 0 },
        { "#(+ 1 2)", "No dispatch macro for (.", 0 },
        { "#", "EOF while reading", 0 },
        { "#inst 1", "#inst expects a string", 0 },
        { "#inst \"2024-13-01\"", "Unrecognized date/time syntax", 0 },
        { "#inst \"2023-02-29\"", "Unrecognized date/time syntax", 0 },
        { "#inst \"2024-01-01T24:00\"", "Unrecognized date/time syntax", 0 },
        { "#inst \"2024-01-01T10:30:60\"", "Unrecognized date/time syntax", 0 },
        { "#inst \"0000-01-01\"", "Unrecognized date/time syntax", 0 },
        { "#inst \"2024-01-01 \"", "Unrecognized date/time syntax", 0 },
        { "#uuid \"not-a-uuid\"", "Invalid #uuid", 0 },
        { "#:{:a 1}", "Namespaced map must specify a valid namespace", 0 },
        { "#:ns[1]", "Namespaced map must specify a map", 0 },
        { "@a", "Unsupported character: @", 0 },
        { "^:meta [1]", "Unsupported character: ^", 0 },
        { "[1] 2", "Unexpected data after the value", 4 },
        { "#_ 1", "EOF while reading", 4 },
        { "[1 #_]", "Unmatched delimiter ].", 5 },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_fails_with_message_and_position(string edn, string message, int position)
    {
        var e = Assert.Throws<SentePackException>(() => Read(edn));
        Assert.StartsWith(message, e.Message);
        Assert.Equal(position, e.Position);
    }

    [Fact]
    public void Invalid_UTF8_fails_at_the_bad_byte()
    {
        var e = Assert.Throws<SentePackException>(() => EdnReader.Read([(byte)'"', (byte)'a', 0xC3, (byte)'"']));
        Assert.Equal(2, e.Position);
    }

    [Fact]
    public void Lone_surrogate_in_text_input_fails()
    {
        Assert.Throws<SentePackException>(() => Read("\"a\uD800\""));
    }

    [Fact]
    public void Nesting_is_bounded_by_the_option()
    {
        Assert.IsType<EdnVector>(Read(new string('[', 100) + new string(']', 100)));
        var e = Assert.Throws<SentePackException>(() => Read(new string('[', 101) + new string(']', 101)));
        Assert.Contains("Nested deeper than 100", e.Message);
        Assert.Equal(100, e.Position);
        Assert.Throws<SentePackException>(() => EdnReader.Read("[[[1]]]", new EdnReaderOptions { MaxDepth = 2 }));
        Assert.Throws<SentePackException>(() => Read(string.Concat(Enumerable.Repeat("#_", 200)) + "1 2"));
        Assert.Throws<SentePackException>(() => EdnReader.Read(string.Concat(Enumerable.Repeat("#a ", 200)) + "1", new EdnReaderOptions { KeepUnknownTags = true }));
    }

    [Fact]
    public void Very_deep_input_is_refused_without_exhausting_the_stack()
    {
        var e = Assert.Throws<SentePackException>(() => Read(new string('[', 1_000_000)));
        Assert.Contains("Nested deeper", e.Message);
    }

    [Fact]
    public void Input_size_and_number_length_are_bounded()
    {
        var small = new EdnReaderOptions { MaxInputBytes = 10 };
        Assert.Equal(Vec(1, 2, 3), EdnReader.Read("[1 2 3]", small));
        Assert.Throws<SentePackException>(() => EdnReader.Read("[1 2 3 4 5]", small));
        Assert.Throws<SentePackException>(() => EdnReader.Read(Encoding.UTF8.GetBytes("[1 2 3 4 5]"), small));
        Assert.IsType<EdnBigInt>(Read(new string('9', 4096)));
        var e = Assert.Throws<SentePackException>(() => Read(new string('9', 4097)));
        Assert.StartsWith("Number with more than 4096 digits", e.Message);
        e = Assert.Throws<SentePackException>(() => Read("1e" + new string('0', 4127)));
        Assert.StartsWith("Number longer than 4128", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EdnReaderOptions { MaxNumberLength = 4129 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new EdnReaderOptions { MaxDepth = 101 });
    }

    [Fact]
    public void Keys_that_collide_under_a_naive_long_hash_read_in_linear_time()
    {
        // Under long.GetHashCode (low ^ high word) all these keys hash to 0.
        var keys = Enumerable.Range(1, 20_000).Select(i => ((long)i << 32) | (uint)i);
        var edn = "{" + string.Join(" ", keys.Select(k => $"{k} 1")) + "}";
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(20_000, Assert.IsType<EdnMap>(Read(edn)).Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }
}
