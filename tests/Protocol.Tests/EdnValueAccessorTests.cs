using System.Numerics;

namespace Orleans.Sente.Protocol.Tests;

/// <summary><c>AsBoolean</c>, <c>AsInt64</c>, <c>AsDouble</c> and <c>AsDecimal</c>: the value, or null when it is not one.</summary>
public sealed class EdnValueAccessorTests
{
    [Fact]
    public void AsBoolean_reads_booleans_only()
    {
        Assert.True(EdnValue.ReadEdn("true").AsBoolean());
        Assert.False(EdnValue.ReadEdn("false").AsBoolean());
        Assert.Null(EdnValue.Nil.AsBoolean());
        Assert.Null(EdnValue.ReadEdn("\"true\"").AsBoolean());
        Assert.Null(EdnValue.ReadEdn("1").AsBoolean());
    }

    [Fact]
    public void AsInt64_reads_integers_that_fit_64_bits()
    {
        Assert.Equal(42L, EdnValue.ReadEdn("42").AsInt64());
        Assert.Equal(-7L, EdnValue.ReadEdn("-7N").AsInt64());
        Assert.Equal(long.MaxValue, new EdnBigInt(long.MaxValue).AsInt64());
        Assert.Null(new EdnBigInt(new BigInteger(long.MaxValue) + 1).AsInt64());
        Assert.Null(EdnValue.ReadEdn("2.0").AsInt64());
        Assert.Null(EdnValue.ReadEdn("1/2").AsInt64());
        Assert.Null(EdnValue.ReadEdn("\"42\"").AsInt64());
        Assert.Null(EdnValue.Nil.AsInt64());
    }

    [Fact]
    public void AsDouble_reads_every_number_as_the_nearest_double()
    {
        Assert.Equal(2.5, EdnValue.ReadEdn("2.5").AsDouble());
        Assert.Equal(2.0, EdnValue.ReadEdn("2").AsDouble());
        Assert.Equal(1e20, EdnValue.ReadEdn("100000000000000000000").AsDouble());
        Assert.Equal(0.5, EdnValue.ReadEdn("1/2").AsDouble());
        Assert.Equal(1.25, EdnValue.ReadEdn("1.25M").AsDouble());
        Assert.Null(EdnValue.ReadEdn(":a").AsDouble());
        Assert.Null(EdnValue.Nil.AsDouble());
    }

    [Fact]
    public void AsDecimal_reads_integers_decimals_and_finite_doubles()
    {
        Assert.Equal(1.50m, EdnValue.ReadEdn("1.50M").AsDecimal());
        Assert.Equal("1.50", EdnValue.ReadEdn("1.50M").AsDecimal()!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3m, EdnValue.ReadEdn("3").AsDecimal());
        Assert.Equal(12345678901234567890m, EdnValue.ReadEdn("12345678901234567890N").AsDecimal());
        Assert.Equal(0.1m, EdnValue.ReadEdn("0.1").AsDecimal());
        Assert.Null(EdnValue.ReadEdn("1e300").AsDecimal());
        Assert.Null(new EdnDouble(double.NaN).AsDecimal());
        Assert.Null(EdnValue.ReadEdn("1E+400M").AsDecimal());
        Assert.Null(EdnValue.ReadEdn("1/3").AsDecimal());
        Assert.Null(EdnValue.ReadEdn("\"3\"").AsDecimal());
    }

    [Fact]
    public void Accessors_read_map_entries_as_handlers_do()
    {
        var data = EdnValue.ReadEdn("{:n 3 :x 1.5 :ok true :price 9.99M}");

        Assert.Equal((3L, 1.5, true, 9.99m), (data["n"].AsInt64(), data["x"].AsDouble(), data["ok"].AsBoolean(), data["price"].AsDecimal()));
        Assert.Null(data["missing"].AsInt64());
    }
}

/// <summary><c>EdnConvert.CreateSerializerOptions</c>: the default binding options, as a copy to adjust.</summary>
public sealed class EdnConvertOptionsTests
{
    public sealed record Point(long X, long Y);

    [Fact]
    public void Created_options_bind_as_the_defaults_do_and_can_be_adjusted()
    {
        var options = EdnConvert.CreateSerializerOptions();
        options.RespectRequiredConstructorParameters = true;

        Assert.Equal(new Point(1, 2), EdnConvert.ToObject<Point>(EdnValue.ReadEdn("{:x 1 :y \"2\"}"), options));
        Assert.Throws<System.Text.Json.JsonException>(() => EdnConvert.ToObject<Point>(EdnValue.ReadEdn("{:x 1}"), options));
        Assert.Equal(new Point(1, 0), EdnConvert.ToObject<Point>(EdnValue.ReadEdn("{:x 1}")));
        Assert.NotSame(options, EdnConvert.CreateSerializerOptions());
    }
}
