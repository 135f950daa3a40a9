using System.Numerics;
using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

/// <summary><c>edn-types.txt</c>: how Clojure prints each kind of value, line by line.</summary>
public sealed class EdnTypesVectorTests
{
    private static EdnValue Ev(EdnValue data, EdnValue? cb = null) => Vec(Vec(K("my/ev"), data), cb ?? Nil);

    public static TheoryData<int, EdnValue> Lines() => new()
    {
        {
            1, Ev(Map(
                (K("m"), new EdnRatio(1, 3)), (K("e"), 1.5), (K("l"), new EdnBigDecimal("1.5")), (K("k"), Big(10)),
                (K("g"), Set(K("x"))), (K("c"), Nil), (K("j"), new EdnSymbol(null, "sym")), (K("h"), List(1, 2)),
                (K("b"), "two"), (K("d"), true), (K("f"), Vec(1, 2)), (K("i"), new EdnChar('c')), (K("a"), 1)))
        },
        { 2, Ev(Guid.Parse("bed6400a-785e-4a83-a41d-e5b566cd8950")) },
        { 3, Ev(new DateTimeOffset(2024, 1, 2, 3, 4, 5, 6, TimeSpan.Zero)) },
        { 4, Ev("quote\" backslash\\ newline\n unicode é") },
        { 5, Ev(Map((S("str-key"), 1), (42, K("int-key")), (Vec(K("a"), K("b")), K("vec-key")))) },
        { 6, Ev(Set(1, 2), S("abc")) },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Line_reads_to_the_value(int line, EdnValue expected)
    {
        Assert.Equal(expected, EdnReader.Read(Vectors.Lines("edn-types.txt")[line - 1]));
    }

    [Theory]
    [MemberData(nameof(Lines))]
    public void Value_prints_as_the_line(int line, EdnValue value)
    {
        Assert.Equal(Vectors.Lines("edn-types.txt")[line - 1], Pack(EdnPacker.Instance, value));
    }

    [Fact]
    public void Unknown_tag_fails_as_in_Sente()
    {
        Assert.Equal("\"THROWS: No reader function for tag foo/bar.\"", Vectors.Lines("edn-types.txt")[6]);
        var e = Assert.Throws<SentePackException>(() => EdnReader.Read("[[:my/ev #foo/bar 1] nil]"));
        Assert.StartsWith("No reader function for tag foo/bar.", e.Message);
        Assert.Equal(9, e.Position);
    }

    [Fact]
    public void Unknown_tag_is_kept_when_asked_and_prints_back()
    {
        var options = new EdnReaderOptions { KeepUnknownTags = true };
        var value = EdnReader.Read("[[:my/ev #foo/bar 1] nil]", options);
        Assert.Equal(Ev(new EdnTagged(new EdnSymbol("foo", "bar"), 1)), value);
        Assert.Equal("[[:my/ev #foo/bar 1] nil]", Pack(new EdnPacker(options), value));
    }

    [Fact]
    public void Ratio_is_reduced_as_Clojure_reads_it()
    {
        Assert.Equal(new EdnRatio(1, 2), EdnReader.Read("2/4"));
        Assert.Equal(new EdnLong(2), EdnReader.Read("4/2"));
        Assert.Equal(new EdnRatio(-1, 3), EdnReader.Read("-1/3"));
        Assert.Equal("-1/3", EdnPrinter.Print(new EdnRatio(new BigInteger(2), new BigInteger(-6))));
    }
}
