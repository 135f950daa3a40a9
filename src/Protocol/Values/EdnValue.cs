using System.Numerics;

namespace Orleans.Sente.Protocol;

/// <summary>
/// A value of Sente event data, modelled on EDN so that nothing a Clojure client distinguishes
/// (keywords vs strings, sets, vectors vs lists, uuids, instants, non-string map keys) is lost
/// on its way through the cluster. Every value is immutable and compares by value.
/// </summary>
/// <remarks>
/// Concrete kinds: <see cref="EdnNil"/>, <see cref="EdnBool"/>, <see cref="EdnLong"/>,
/// <see cref="EdnBigInt"/>, <see cref="EdnDouble"/>, <see cref="EdnBigDecimal"/>,
/// <see cref="EdnRatio"/>, <see cref="EdnChar"/>, <see cref="EdnString"/>,
/// <see cref="EdnKeyword"/>, <see cref="EdnSymbol"/>, <see cref="EdnUuid"/>, <see cref="EdnInst"/>,
/// <see cref="EdnVector"/>, <see cref="EdnList"/>, <see cref="EdnSet"/>, <see cref="EdnMap"/>,
/// <see cref="EdnTagged"/>.
/// Scalar hash codes go through <see cref="HashCode"/>, which is seeded per process, so that
/// a client cannot choose map keys that all collide and make reading a frame quadratic.
/// </remarks>
public abstract record EdnValue
{
    /// <summary>The single nil value.</summary>
    public static EdnValue Nil => EdnNil.Instance;

    /// <summary>True for nil.</summary>
    public bool IsNil => this is EdnNil;

    public static implicit operator EdnValue(string? value) => value is null ? EdnNil.Instance : new EdnString(value);
    public static implicit operator EdnValue(long value) => new EdnLong(value);
    public static implicit operator EdnValue(int value) => new EdnLong(value);
    public static implicit operator EdnValue(bool value) => value ? EdnBool.True : EdnBool.False;
    public static implicit operator EdnValue(double value) => new EdnDouble(value);
    public static implicit operator EdnValue(Guid value) => new EdnUuid(value);
    public static implicit operator EdnValue(DateTimeOffset value) => new EdnInst(value);

    /// <summary>Looks a key up when this value is a map; nil otherwise.</summary>
    public EdnValue this[EdnValue key] => this is EdnMap map && map.TryGetValue(key, out var v) ? v : EdnNil.Instance;

    /// <summary>Looks a keyword key up when this value is a map (<c>value["text"]</c> reads <c>:text</c>).</summary>
    public EdnValue this[string keywordKey] => this[EdnKeyword.Parse(keywordKey)];

    /// <summary>The string, when this is a string; null otherwise.</summary>
    public string? AsString() => this is EdnString s ? s.Value : null;

    /// <summary>The boolean, when this is <c>true</c> or <c>false</c>; null otherwise (nil included).</summary>
    public bool? AsBoolean() => this is EdnBool b ? b.Value : null;

    /// <summary>
    /// The integer, when this is an integer that fits 64 bits (an <c>N</c> integer included); null
    /// otherwise. Doubles, decimals and ratios are not integers here, even when whole.
    /// </summary>
    public long? AsInt64() => this switch
    {
        EdnLong l => l.Value,
        EdnBigInt bi when bi.Value >= long.MinValue && bi.Value <= long.MaxValue => (long)bi.Value,
        _ => null,
    };

    /// <summary>
    /// The number as the nearest double, when this is any number (an integer, a double, a
    /// <c>M</c> decimal or a ratio); null otherwise. JSON clients send whole doubles as integers
    /// (<c>2.0</c> arrives as <c>2</c>), so integers are numbers here too.
    /// </summary>
    public double? AsDouble() => this switch
    {
        EdnDouble d => d.Value,
        EdnLong l => l.Value,
        EdnBigInt bi => (double)bi.Value,
        EdnRatio r => (double)r.Numerator / (double)r.Denominator,
        EdnBigDecimal bd => double.Parse(bd.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>
    /// The number as a <see cref="decimal"/>, when this is an integer, a <c>M</c> decimal or a finite
    /// double within <see cref="decimal"/>'s range (a double as <see cref="decimal"/>'s conversion
    /// rounds it, to 15 significant digits); null otherwise, ratios included.
    /// </summary>
    public decimal? AsDecimal() => this switch
    {
        EdnLong l => l.Value,
        EdnBigInt bi when bi.Value >= (BigInteger)decimal.MinValue && bi.Value <= (BigInteger)decimal.MaxValue => (decimal)bi.Value,
        EdnBigDecimal bd when decimal.TryParse(bd.Text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var m) => m,
        EdnDouble d when double.IsFinite(d.Value) && Math.Abs(d.Value) < (double)decimal.MaxValue => (decimal)d.Value,
        _ => null,
    };

    /// <summary>Reads one EDN value from text with the default <see cref="EdnReaderOptions"/>.</summary>
    public static EdnValue ReadEdn(string edn) => EdnReader.Read(edn);

    /// <summary>
    /// The value printed as EDN, as Clojure's <c>pr-str</c> prints it (strings in quotes). Never
    /// throws: what the EDN packer would refuse (a keyword with a space, nesting past the limit)
    /// is printed as best it can be, for logs.
    /// </summary>
    public sealed override string ToString() => EdnPrinter.ToDisplayString(this);
}

public sealed record EdnNil : EdnValue
{
    public static readonly EdnNil Instance = new();
    private EdnNil() { }
    public override int GetHashCode() => 0x6e696c;
}

public sealed record EdnBool(bool Value) : EdnValue
{
    public static readonly EdnBool True = new(true);
    public static readonly EdnBool False = new(false);
    public override int GetHashCode() => Value ? 1231 : 1237;
}

public sealed record EdnLong(long Value) : EdnValue
{
    public override int GetHashCode() => HashCode.Combine((int)Value, (int)(Value >> 32), 1);
}

/// <summary>An integer written with the <c>N</c> suffix, or too large for 64 bits.</summary>
public sealed record EdnBigInt(BigInteger Value) : EdnValue
{
    public override int GetHashCode() => EdnHash.Of(Value, 2);
}

public sealed record EdnDouble(double Value) : EdnValue
{
    public override int GetHashCode()
    {
        // double.Equals treats 0.0 and -0.0 as equal, and every NaN as equal: hash them alike.
        var bits = Value == 0 ? 0L : double.IsNaN(Value) ? -1L : BitConverter.DoubleToInt64Bits(Value);
        return HashCode.Combine((int)bits, (int)(bits >> 32), 3);
    }
}

/// <summary>
/// A decimal written with the <c>M</c> suffix. Kept as its text so that precision beyond
/// <see cref="decimal"/> survives a round trip; the reader stores (and the printer prints) the
/// text Java's <c>BigDecimal.toString</c> gives, so <c>1.50M</c> stays <c>1.50M</c> and is
/// not equal to <c>1.5M</c>.
/// </summary>
public sealed record EdnBigDecimal(string Text) : EdnValue
{
    /// <summary>The exact decimal, as Clojure would print it.</summary>
    public static EdnBigDecimal FromDecimal(decimal value) => new(BigDecimalText.FromDecimal(value));
}

/// <summary>A Clojure ratio such as <c>1/3</c> (not in the EDN spec; Clojure prints it).</summary>
public sealed record EdnRatio(BigInteger Numerator, BigInteger Denominator) : EdnValue
{
    /// <summary>
    /// The ratio in lowest terms with a positive denominator, as Clojure makes it; a whole
    /// number comes back as an integer (<c>4/2</c> is <c>2</c>).
    /// </summary>
    public static EdnValue Create(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A ratio's denominator is zero.");
        }

        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (denominator.Sign < 0)
        {
            gcd = -gcd;
        }

        var (n, d) = (numerator / gcd, denominator / gcd);
        if (d.IsOne)
        {
            return n >= long.MinValue && n <= long.MaxValue ? new EdnLong((long)n) : new EdnBigInt(n);
        }

        return new EdnRatio(n, d);
    }

    public override int GetHashCode() => HashCode.Combine(EdnHash.Of(Numerator, 4), EdnHash.Of(Denominator, 5));
}

/// <summary>A character; Clojure's are UTF-16 units, so a code point above U+FFFF is this project's extension.</summary>
public sealed record EdnChar(int CodePoint) : EdnValue
{
    public override int GetHashCode() => HashCode.Combine(CodePoint, 6);
}

public sealed record EdnString(string Value) : EdnValue;

public sealed record EdnUuid(Guid Value) : EdnValue
{
    public override int GetHashCode()
    {
        Span<byte> bytes = stackalloc byte[16];
        Value.TryWriteBytes(bytes);
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}

/// <summary>
/// An instant (<c>#inst</c>). Like Clojure's java.util.Date it has millisecond precision and no
/// offset: the value is truncated to the millisecond and kept in UTC when it is made, so what
/// is built equals what is read back.
/// </summary>
public sealed record EdnInst(DateTimeOffset Value) : EdnValue
{
    public DateTimeOffset Value { get; init; } = Normalize(Value);

    public override int GetHashCode() => HashCode.Combine((int)Value.UtcTicks, (int)(Value.UtcTicks >> 32), 7);

    private static DateTimeOffset Normalize(DateTimeOffset value)
    {
        var ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}

/// <summary>A tagged literal the reader does not know (<c>#my/tag value</c>), kept when the reader is asked to.</summary>
public sealed record EdnTagged(EdnSymbol Tag, EdnValue Value) : EdnValue;

internal static class EdnHash
{
    public static int Of(BigInteger value, int kind)
    {
        var hash = new HashCode();
        hash.Add(kind);
        Span<byte> small = stackalloc byte[64];
        if (value.TryWriteBytes(small, out var written))
        {
            hash.AddBytes(small[..written]);
        }
        else
        {
            hash.AddBytes(value.ToByteArray());
        }

        return hash.ToHashCode();
    }
}
