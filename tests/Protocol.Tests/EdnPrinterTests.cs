using System.Numerics;
using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

public sealed class EdnPrinterTests
{
    private static string Print(EdnValue value) => EdnPrinter.Print(value);

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(1.5, "1.5")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(100.0, "100.0")]
    [InlineData(9999999.0, "9999999.0")]
    [InlineData(1e7, "1.0E7")]
    [InlineData(1e10, "1.0E10")]
    [InlineData(123456789.0, "1.23456789E8")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0001, "1.0E-4")]
    [InlineData(1.5e-5, "1.5E-5")]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(3.141592653589793, "3.141592653589793")]
    [InlineData(1e23, "1.0E23")]
    [InlineData(1e21, "1.0E21")]
    [InlineData(double.MaxValue, "1.7976931348623157E308")]
    [InlineData(double.Epsilon, "4.9E-324")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(double.NaN, "##NaN")]
    [InlineData(double.PositiveInfinity, "##Inf")]
    [InlineData(double.NegativeInfinity, "##-Inf")]
    public void Doubles_print_as_Java_prints_them(double value, string expected)
    {
        Assert.Equal(expected, Print(value));
    }

    [Fact]
    public void Strings_escape_what_Clojure_escapes_and_nothing_else()
    {
        Assert.Equal("\"q\\\" b\\\\ n\\n t\\t r\\r f\\f b\\b é 😀 \u0001 \u007f\"", Print("q\" b\\ n\n t\t r\r f\f b\b é 😀 \u0001 \u007f"));
        Assert.Equal("\"lone \\uD800 and \\uDC00\"", Print("lone \uD800 and \uDC00"));
        Assert.Equal("\"\"", Print(""));
    }

    [Fact]
    public void Long_string_with_surrogate_pairs_on_chunk_edges_prints_whole()
    {
        var text = string.Concat(Enumerable.Repeat("a😀", 3000));
        Assert.Equal("\"" + text + "\"", Print(text));
    }

    [Theory]
    [InlineData('c', "\\c")]
    [InlineData('\n', "\\newline")]
    [InlineData(' ', "\\space")]
    [InlineData('\t', "\\tab")]
    [InlineData('\b', "\\backspace")]
    [InlineData('\f', "\\formfeed")]
    [InlineData('\r', "\\return")]
    [InlineData('é', "\\é")]
    [InlineData(0x1F600, "\\😀")]
    [InlineData(0xD800, "\\uD800")]
    public void Chars_print_by_name_or_as_is(int codePoint, string expected)
    {
        Assert.Equal(expected, Print(new EdnChar(codePoint)));
    }

    [Fact]
    public void Numbers_of_every_kind_print_with_their_suffix()
    {
        Assert.Equal("[1 -7 10N 99999999999999999999N 1.50M 1E+3M 1/3 -2/5]", Print(Vec(
            1, -7, Big(10), new EdnBigInt(BigInteger.Parse("99999999999999999999")), new EdnBigDecimal("1.50"),
            new EdnBigDecimal("1e3"), new EdnRatio(1, 3), new EdnRatio(4, -10))));
        Assert.Equal("2", Print(new EdnRatio(4, 2)));
        Assert.Equal("1.5M", Print(EdnBigDecimal.FromDecimal(1.5m)));
        Assert.Equal("1E-7M", Print(EdnBigDecimal.FromDecimal(0.0000001m)));
    }

    [Fact]
    public void Collections_print_as_Clojure_prints_them()
    {
        Assert.Equal("{:a 1, :b [1 2], \"c\" #{:x}, nil (1 (2))}", Print(Map((K("a"), 1), (K("b"), Vec(1, 2)), (S("c"), Set(K("x"))), (Nil, List(1, List(2))))));
        Assert.Equal("[[] () {} #{}]", Print(Vec(EdnVector.Empty, List(), EdnMap.Empty, Set())));
        Assert.Equal("[sym ns/sym / :ns/kw :a/b/c true false nil]", Print(Vec(
            new EdnSymbol(null, "sym"), new EdnSymbol("ns", "sym"), new EdnSymbol(null, "/"), K("ns/kw"), new EdnKeyword("a", "b/c"), true, false, Nil)));
    }

    [Fact]
    public void Instants_print_in_UTC_to_the_millisecond()
    {
        var inst = new EdnInst(new DateTimeOffset(2024, 1, 2, 4, 4, 5, 6, TimeSpan.FromHours(1)).AddTicks(9999));
        Assert.Equal("#inst \"2024-01-02T03:04:05.006-00:00\"", Print(inst));
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 6, TimeSpan.Zero), inst.Value);
        Assert.Equal("#inst \"0001-01-01T00:00:00.000-00:00\"", Print(new EdnInst(DateTimeOffset.MinValue)));
    }

    [Fact]
    public void Uuids_print_in_lower_case()
    {
        Assert.Equal("#uuid \"bed6400a-785e-4a83-a41d-e5b566cd8950\"", Print(Guid.Parse("BED6400A-785E-4A83-A41D-E5B566CD8950")));
    }

    public static TheoryData<EdnValue> Unprintable() =>
    [
        new EdnKeyword(null, "has space"), new EdnKeyword(null, "a]b"), new EdnKeyword(null, ""), new EdnKeyword(null, "a/b"),
        new EdnKeyword("", "x"), new EdnKeyword("a/b", "c"), new EdnKeyword(null, ":x"), new EdnKeyword(null, "a\uD800"),
        new EdnSymbol(null, "1abc"), new EdnSymbol(null, "-1"), new EdnSymbol(null, "nil"), new EdnSymbol(null, "true"),
        new EdnSymbol(null, ":k"), new EdnSymbol(null, "#x"), new EdnSymbol(null, "a b"), new EdnSymbol(null, ".5"),
        new EdnBigDecimal("1.5 :evil"), new EdnBigDecimal(""), new EdnRatio(1, 0), new EdnChar(0x110000), new EdnChar(-1),
        new EdnTagged(new EdnSymbol(null, "1x"), 1),
    ];

    [Theory]
    [MemberData(nameof(Unprintable))]
    public void Values_no_reader_could_read_back_are_refused(EdnValue value)
    {
        Assert.Throws<SentePackException>(() => Print(Vec(value)));
        Assert.NotNull(value.ToString());
    }

    [Fact]
    public void Nesting_past_the_limit_is_refused_but_ToString_elides_it()
    {
        EdnValue deep = 1;
        for (var i = 0; i < 100; i++)
        {
            deep = Vec(deep);
        }

        Assert.Equal(new string('[', 100) + "1" + new string(']', 100), Print(deep));
        var deeper = Vec(deep);
        Assert.Throws<SentePackException>(() => Print(deeper));
        Assert.Equal(new string('[', 100) + "..." + new string(']', 100), deeper.ToString());
    }

    [Fact]
    public void ToString_prints_EDN()
    {
        Assert.Equal("\"alice\"", new EdnString("alice").ToString());
        Assert.Equal(":chsk/handshake", Envelope.Handshake.ToString());
        Assert.Equal("{:a has space}", Map((K("a"), new EdnKeyword(null, "has space"))).ToString().Replace(":has", "has"));
        Assert.Equal("[:my/ev \"x\"]", SenteEvent.Create("my/ev", "x").ToString());
    }
}
