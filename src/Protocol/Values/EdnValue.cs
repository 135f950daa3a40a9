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
/// </remarks>
[GenerateSerializer, Immutable, Alias("sente.edn")]
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
}

[GenerateSerializer, Immutable, Alias("sente.edn.nil")]
public sealed record EdnNil : EdnValue
{
    public static readonly EdnNil Instance = new();
    private EdnNil() { }
    public override string ToString() => "nil";
}

[GenerateSerializer, Immutable, Alias("sente.edn.bool")]
public sealed record EdnBool([property: Id(0)] bool Value) : EdnValue
{
    public static readonly EdnBool True = new(true);
    public static readonly EdnBool False = new(false);
    public override string ToString() => Value ? "true" : "false";
}

[GenerateSerializer, Immutable, Alias("sente.edn.long")]
public sealed record EdnLong([property: Id(0)] long Value) : EdnValue
{
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An integer written with the <c>N</c> suffix, or too large for 64 bits.</summary>
[GenerateSerializer, Immutable, Alias("sente.edn.bigint")]
public sealed record EdnBigInt([property: Id(0)] BigInteger Value) : EdnValue;

[GenerateSerializer, Immutable, Alias("sente.edn.double")]
public sealed record EdnDouble([property: Id(0)] double Value) : EdnValue;

/// <summary>
/// A decimal written with the <c>M</c> suffix. Kept as its canonical text so that precision
/// beyond <see cref="decimal"/> survives a round trip.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.edn.bigdec")]
public sealed record EdnBigDecimal([property: Id(0)] string Text) : EdnValue;

/// <summary>A Clojure ratio such as <c>1/3</c> (not in the EDN spec; Clojure prints it).</summary>
[GenerateSerializer, Immutable, Alias("sente.edn.ratio")]
public sealed record EdnRatio([property: Id(0)] BigInteger Numerator, [property: Id(1)] BigInteger Denominator) : EdnValue;

[GenerateSerializer, Immutable, Alias("sente.edn.char")]
public sealed record EdnChar([property: Id(0)] int CodePoint) : EdnValue;

[GenerateSerializer, Immutable, Alias("sente.edn.string")]
public sealed record EdnString([property: Id(0)] string Value) : EdnValue
{
    public override string ToString() => Value;
}

[GenerateSerializer, Immutable, Alias("sente.edn.uuid")]
public sealed record EdnUuid([property: Id(0)] Guid Value) : EdnValue;

/// <summary>An instant (<c>#inst</c>), millisecond precision as Clojure's java.util.Date.</summary>
[GenerateSerializer, Immutable, Alias("sente.edn.inst")]
public sealed record EdnInst([property: Id(0)] DateTimeOffset Value) : EdnValue;

/// <summary>A tagged literal the reader does not know (<c>#my/tag value</c>).</summary>
[GenerateSerializer, Immutable, Alias("sente.edn.tagged")]
public sealed record EdnTagged([property: Id(0)] EdnSymbol Tag, [property: Id(1)] EdnValue Value) : EdnValue;
