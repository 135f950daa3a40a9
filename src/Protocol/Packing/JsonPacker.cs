using System.Buffers;
using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Orleans.Sente.Protocol;

/// <summary>
/// The JSON packer, for the project's own JS and .NET clients: Sente's envelope, with
/// values mapped to JSON as <c>docs/protocol.md</c> documents. In short: keywords become
/// strings <c>":ns/name"</c>; map keys become object keys (keyword keys lose their colon, and
/// object keys read back as keywords where EDN can print them); sets and lists become arrays; uuids, instants, chars and
/// symbols become strings. The mapping is lossy for EDN-only types by design: a client that
/// needs them uses the EDN packer.
/// </summary>
public sealed class JsonPacker : ISentePacker
{
    public static readonly JsonPacker Instance = new();

    /// <summary>Deepest nesting read or written: <see cref="SenteLimits.MaxDepth"/>, as in EDN.</summary>
    public const int MaxDepth = SenteLimits.MaxDepth;

    // System.Text.Json's own depth checks sit one level above the limit this packer counts
    // itself (tagged values included, as EDN counts them), so that its own, uniform message
    // decides and System.Text.Json's InvalidOperationException is never what a caller sees.
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, MaxDepth = MaxDepth + 1 };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth + 1 };

    public string Name => "json";

    public bool IsBinary => false;

    public bool EventIdsAreStrings => true;

    /// <summary>
    /// Writes a value. Never fails on a value a reader produced; throws <see cref="SentePackException"/>
    /// (and nothing else) for one no JSON can carry: nesting past <see cref="MaxDepth"/>, a char
    /// that is no code point, a ratio over zero, a decimal whose text is no number.
    /// </summary>
    public void Pack(EdnValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        try
        {
            Write(writer, value, 0);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // What System.Text.Json refuses to write; every case known is handled above it.
            throw new SentePackException("Cannot write as JSON: " + e.Message, -1, e);
        }

        writer.Flush();
    }

    /// <summary>
    /// Reads one value; throws <see cref="SentePackException"/> and nothing else on bad input:
    /// malformed JSON, nesting past <see cref="MaxDepth"/>, a number longer than
    /// <see cref="SenteLimits.MaxNumberLength"/> or with more than
    /// <see cref="SenteLimits.MaxNumberDigits"/> digits, a string with a lone surrogate escape.
    /// </summary>
    public EdnValue Unpack(ReadOnlySpan<byte> frame)
    {
        var reader = new Utf8JsonReader(frame, ReaderOptions);
        try
        {
            if (!reader.Read())
            {
                throw new SentePackException("Empty JSON frame", 0);
            }

            var value = Read(ref reader, 0);
            if (reader.Read())
            {
                throw new SentePackException("Trailing data after the JSON value", reader.TokenStartIndex);
            }

            return value;
        }
        catch (SentePackException)
        {
            throw;
        }
        catch (JsonException e)
        {
            throw new SentePackException("Malformed JSON: " + e.Message, e.BytePositionInLine ?? -1, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Invalid UTF-8 or a lone surrogate escape inside a string: the reader reports these
            // from GetString, not as JsonException.
            throw new SentePackException("Malformed JSON: " + e.Message, reader.TokenStartIndex, e);
        }
    }

    public void WriteBatch(IReadOnlyList<ReadOnlyMemory<byte>> packedEvents, IBufferWriter<byte> output)
    {
        output.Write("[["u8);
        for (var i = 0; i < packedEvents.Count; i++)
        {
            if (i > 0)
            {
                output.Write(","u8);
            }

            output.Write(packedEvents[i].Span);
        }

        output.Write("],null]"u8);
    }

    private static void Write(Utf8JsonWriter w, EdnValue? value, int depth)
    {
        switch (value)
        {
            case null or EdnNil:
                w.WriteNullValue();
                break;
            case EdnBool b:
                w.WriteBooleanValue(b.Value);
                break;
            case EdnLong l:
                w.WriteNumberValue(l.Value);
                break;
            case EdnDouble d when double.IsFinite(d.Value):
                w.WriteNumberValue(d.Value);
                break;
            case EdnDouble:
                w.WriteNullValue();
                break;
            case EdnBigInt bi:
                w.WriteRawValue(IntegerText(bi.Value), skipInputValidation: true);
                break;
            case EdnBigDecimal bd when EdnNumber.IsTooLong(bd.Text):
                throw new SentePackException(EdnNumber.TooManyDigitsFault);
            case EdnBigDecimal bd:
                // The text is canonicalised first: written raw, an arbitrary Text could break the frame.
                w.WriteRawValue(BigDecimalText.TryCanonical(bd.Text, out var decimalText) ? decimalText : throw new SentePackException($"Not a decimal: {bd.Text}"), skipInputValidation: true);
                break;
            case EdnRatio r:
                var quotient = Quotient(r);
                if (double.IsFinite(quotient))
                {
                    w.WriteNumberValue(quotient);
                }
                else
                {
                    w.WriteNullValue();
                }

                break;
            case EdnString s:
                w.WriteStringValue(WellFormed(s.Value));
                break;
            case EdnKeyword k:
                w.WriteStringValue(WellFormed(":" + k.FullName));
                break;
            case EdnSymbol sym:
                w.WriteStringValue(WellFormed(sym.FullName));
                break;
            case EdnChar c:
                w.WriteStringValue(CharText(c.CodePoint));
                break;
            case EdnUuid u:
                w.WriteStringValue(u.Value.ToString("D"));
                break;
            case EdnInst i:
                w.WriteStringValue(i.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            case EdnTagged t:
                Descend(depth);
                Write(w, t.Value, depth + 1);
                break;
            case EdnSequence seq:
                Descend(depth);
                w.WriteStartArray();
                foreach (var item in seq)
                {
                    Write(w, item, depth + 1);
                }

                w.WriteEndArray();
                break;
            case EdnSet set:
                Descend(depth);
                w.WriteStartArray();
                foreach (var item in set)
                {
                    Write(w, item, depth + 1);
                }

                w.WriteEndArray();
                break;
            case EdnMap map:
                Descend(depth);
                w.WriteStartObject();
                foreach (var entry in map)
                {
                    w.WritePropertyName(WellFormed(KeyName(entry.Key)));
                    Write(w, entry.Value, depth + 1);
                }

                w.WriteEndObject();
                break;
            default:
                throw new SentePackException($"No JSON form for {value.GetType().Name}");
        }
    }

    /// <summary>Opens level <paramref name="depth"/>+1, as the EDN printer counts levels.</summary>
    private static void Descend(int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new SentePackException($"Value nested deeper than {MaxDepth}");
        }
    }

    /// <summary>
    /// A lone surrogate becomes U+FFFD: JSON text is UTF-8 on the wire, and System.Text.Json's
    /// reader (the .NET client's) refuses a <c>\ud800</c> escape; a browser makes the same
    /// replacement when it sends a lone surrogate in a WebSocket text frame.
    /// </summary>
    internal static string WellFormed(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 || !EdnSyntax.HasLoneSurrogate(text))
        {
            return text;
        }

        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(chars[i]))
            {
                chars[i] = '\uFFFD';
            }
        }

        return new string(chars);
    }

    private static string CharText(int codePoint) => codePoint switch
    {
        >= 0xD800 and <= 0xDFFF => "\uFFFD",
        >= 0 and <= 0x10FFFF => char.ConvertFromUtf32(codePoint),
        _ => throw new SentePackException($"Not a character: {codePoint}"),
    };

    /// <summary>
    /// The ratio as the nearest double. Parts beyond a double's range (a read ratio may have
    /// thousands of digits) are scaled down together first, so the quotient is not NaN; one
    /// beyond a double's range is an infinity, written as null like any other.
    /// </summary>
    private static double Quotient(EdnRatio r)
    {
        if (r.Denominator.IsZero)
        {
            throw new SentePackException("A ratio's denominator is zero");
        }

        if (EdnNumber.IsTooLong(r.Numerator, r.Denominator))
        {
            throw new SentePackException(EdnNumber.TooManyDigitsFault);
        }

        var (n, d) = (r.Numerator, r.Denominator);
        var excess = Math.Max(BigInteger.Abs(n).GetBitLength(), BigInteger.Abs(d).GetBitLength()) - 1000;
        if (excess > 0)
        {
            (n, d) = (n >> (int)excess, d >> (int)excess);
            if (d.IsZero)
            {
                return n.Sign * r.Denominator.Sign >= 0 ? double.PositiveInfinity : double.NegativeInfinity;
            }
        }

        return (double)n / (double)d;
    }

    private static string KeyName(EdnValue? key) => key switch
    {
        null => "nil",
        EdnKeyword k => k.FullName,
        EdnString s => s.Value,
        EdnSymbol s => s.FullName,
        EdnLong l => l.Value.ToString(CultureInfo.InvariantCulture),
        EdnBigInt bi => IntegerText(bi.Value) + "N",
        EdnBigDecimal bd when EdnNumber.IsTooLong(bd.Text) => throw new SentePackException(EdnNumber.TooManyDigitsFault),
        EdnRatio r when EdnNumber.IsTooLong(r.Numerator, r.Denominator) => throw new SentePackException(EdnNumber.TooManyDigitsFault),
        _ => key.ToString() ?? string.Empty,
    };

    /// <summary>A big integer's digits; one with more than any reader takes is refused before it is printed.</summary>
    private static string IntegerText(System.Numerics.BigInteger value) =>
        EdnNumber.IsTooLong(value) ? throw new SentePackException(EdnNumber.TooManyDigitsFault) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// An object key becomes a keyword when it can be one that EDN can print (<c>"text"</c> is
    /// <c>:text</c>, <c>"chat/room"</c> is <c>:chat/room</c>); any other key (<c>""</c>, <c>"two words"</c>,
    /// <c>":x"</c>) stays a string, so that data from a JSON client can always be pushed to an EDN client.
    /// </summary>
    internal static EdnValue ObjectKey(string name)
    {
        if (name.Length > 0 && name[0] != ':')
        {
            var keyword = EdnKeyword.Parse(name);
            if (EdnPrinterCore.IsPrintableKeyword(keyword) && keyword.FullName == name)
            {
                return keyword;
            }
        }

        return new EdnString(name);
    }

    private static EdnValue Read(ref Utf8JsonReader r, int depth)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return EdnNil.Instance;
            case JsonTokenType.True:
                return EdnBool.True;
            case JsonTokenType.False:
                return EdnBool.False;
            case JsonTokenType.String:
                return new EdnString(r.GetString()!);
            case JsonTokenType.Number:
                return ReadNumber(ref r);
            case JsonTokenType.StartArray:
            {
                Enter(ref r, depth);
                var items = ImmutableArray.CreateBuilder<EdnValue>();
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref r, depth + 1));
                }

                return new EdnVector(items.ToImmutable());
            }

            case JsonTokenType.StartObject:
            {
                Enter(ref r, depth);

                // A repeated name keeps its first place and its last value, as JSON.parse does.
                var entries = new List<KeyValuePair<EdnValue, EdnValue>>();
                var places = new Dictionary<EdnValue, int>();
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    var key = ObjectKey(r.GetString()!);
                    r.Read();
                    var value = Read(ref r, depth + 1);
                    if (places.TryGetValue(key, out var place))
                    {
                        entries[place] = new(key, value);
                    }
                    else
                    {
                        places.Add(key, entries.Count);
                        entries.Add(new(key, value));
                    }
                }

                return EdnMap.Create(entries);
            }

            default:
                throw new SentePackException($"Unexpected JSON token {r.TokenType}", r.TokenStartIndex);
        }
    }

    private static void Enter(ref Utf8JsonReader r, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new SentePackException($"Nested deeper than {MaxDepth}", r.TokenStartIndex);
        }
    }

    /// <summary>
    /// An integer is a long, or a big integer beyond 64 bits; any other number a double (an
    /// infinity beyond a double's range, as JavaScript reads it). Bounded as the EDN reader bounds
    /// numbers: the token's length, and the digits before any exponent.
    /// </summary>
    internal static EdnValue ReadNumber(ref Utf8JsonReader r)
    {
        var raw = r.ValueSpan;
        if (raw.Length > SenteLimits.MaxNumberLength)
        {
            throw new SentePackException(EdnNumber.TooLongFault(SenteLimits.MaxNumberLength), r.TokenStartIndex);
        }

        if (r.TryGetInt64(out var l))
        {
            return new EdnLong(l);
        }

        var text = System.Text.Encoding.ASCII.GetString(raw);
        if (EdnNumber.MantissaDigits(text) > SenteLimits.MaxNumberDigits)
        {
            throw new SentePackException(EdnNumber.TooManyDigitsFault, r.TokenStartIndex);
        }

        return text.AsSpan().IndexOfAny(".eE") < 0
            ? new EdnBigInt(BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))
            : new EdnDouble(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
    }
}
