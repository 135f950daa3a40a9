using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Reads transit-json, both as a Transit writer caches it (<c>^0</c>, <c>["^ ",…]</c> maps) and in
/// the verbose form (JSON objects, <c>"~t…"</c> instants, <c>{"~#set":[…]}</c> tags), into the EDN value
/// model. Bounded as the EDN reader is (<see cref="SenteLimits"/>); fails only with <see cref="SentePackException"/>:
/// malformed JSON, a cache code never defined, an unknown tag or <c>~</c> form, a keyword or symbol
/// EDN cannot print, a number past the bounds. Maps and sets are built as Clojure builds them
/// (<see cref="AssocCollections"/>).
/// </summary>
internal static class TransitReader
{
    // JSON nests two levels per value level at most (a set is ["~#set",[…]]), plus the quote of a
    // scalar document; the value levels are counted here, so System.Text.Json's bound only stops runaways.
    private static readonly JsonReaderOptions Options = new() { MaxDepth = (2 * SenteLimits.MaxDepth) + 4 };

    /// <summary>A tag read from <c>"~#tag"</c>: the first item of a tagged value, never a value itself.</summary>
    private sealed record Tag(string Name);

    /// <summary>What one read needs besides the reader: the cache of the frame, and the options.</summary>
    private sealed class Context(EdnReaderOptions options) : List<object>
    {
        public EdnReaderOptions Options { get; } = options;
    }

    public static EdnValue Read(ReadOnlySpan<byte> frame, EdnReaderOptions options)
    {
        if (frame.Length > options.MaxInputBytes)
        {
            throw new SentePackException($"Frame larger than {options.MaxInputBytes} bytes", 0);
        }

        var reader = new Utf8JsonReader(frame, Options);
        var cache = new Context(options);
        try
        {
            if (!reader.Read())
            {
                throw new SentePackException("Empty Transit frame", 0);
            }

            var value = AsValue(ReadAny(ref reader, cache, 0, asMapKey: false), reader.TokenStartIndex);
            if (reader.Read())
            {
                throw new SentePackException("Trailing data after the Transit value", reader.TokenStartIndex);
            }

            return value;
        }
        catch (SentePackException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // JsonException for malformed JSON; InvalidOperationException or ArgumentException from
            // GetString for invalid UTF-8 or a lone surrogate escape.
            throw new SentePackException("Malformed Transit: " + e.Message, reader.TokenStartIndex, e);
        }
    }

    private static EdnValue AsValue(object item, long at) =>
        item as EdnValue ?? throw new SentePackException($"A tag '{((Tag)item).Name}' where a value belongs", at);

    private static object ReadAny(ref Utf8JsonReader r, Context cache, int depth, bool asMapKey)
    {
        switch (r.TokenType)
        {
            case JsonTokenType.Null:
                return EdnNil.Instance;
            case JsonTokenType.True:
                return EdnBool.True;
            case JsonTokenType.False:
                return EdnBool.False;
            case JsonTokenType.Number:
                return JsonPacker.ReadNumber(ref r);
            case JsonTokenType.String:
                return ReadString(r.GetString()!, cache, asMapKey, r.TokenStartIndex);
            case JsonTokenType.StartArray:
                return ReadArray(ref r, cache, depth);
            case JsonTokenType.StartObject:
                return ReadObject(ref r, cache, depth);
            default:
                throw new SentePackException($"Unexpected JSON token {r.TokenType}", r.TokenStartIndex);
        }
    }

    private static EdnValue ReadArray(ref Utf8JsonReader r, Context cache, int depth)
    {
        var at = r.TokenStartIndex;
        Next(ref r);
        if (r.TokenType == JsonTokenType.EndArray)
        {
            Enter(cache, depth, at);
            return EdnVector.Empty;
        }

        if (r.TokenType == JsonTokenType.String && r.ValueTextEquals("^ "u8))
        {
            Enter(cache, depth, at);
            var entries = new List<KeyValuePair<EdnValue, EdnValue>>();
            Next(ref r);
            if (r.TokenType != JsonTokenType.EndArray)
            {
                var key = ReadAny(ref r, cache, depth + 1, asMapKey: true);
                if (key is Tag tag)
                {
                    // ["^ ","~#tag",rep]: a tagged value written as a map.
                    Next(ref r);
                    var tagged = ReadTagged(ref r, tag, cache, depth);
                    Expect(ref r, JsonTokenType.EndArray, "one tagged value in a map");
                    return tagged;
                }

                while (true)
                {
                    Next(ref r);
                    entries.Add(new(AsValue(key, r.TokenStartIndex), AsValue(ReadAny(ref r, cache, depth + 1, asMapKey: false), r.TokenStartIndex)));
                    Next(ref r);
                    if (r.TokenType == JsonTokenType.EndArray)
                    {
                        break;
                    }

                    key = ReadAny(ref r, cache, depth + 1, asMapKey: true);
                }
            }

            return Map(entries, at);
        }

        var first = ReadAny(ref r, cache, depth + 1, asMapKey: false);
        if (first is Tag t)
        {
            Next(ref r);
            var tagged = ReadTagged(ref r, t, cache, depth);
            Expect(ref r, JsonTokenType.EndArray, "a tag and one value");
            return tagged;
        }

        Enter(cache, depth, at);
        var items = ImmutableArray.CreateBuilder<EdnValue>();
        items.Add((EdnValue)first);
        while (Next(ref r) != JsonTokenType.EndArray)
        {
            items.Add(AsValue(ReadAny(ref r, cache, depth + 1, asMapKey: false), r.TokenStartIndex));
        }

        return new EdnVector(items.ToImmutable());
    }

    /// <summary>The verbose form: an object is a map, or a tagged value when its one key is a tag.</summary>
    private static EdnValue ReadObject(ref Utf8JsonReader r, Context cache, int depth)
    {
        var at = r.TokenStartIndex;
        var entries = new List<KeyValuePair<EdnValue, EdnValue>>();
        var first = true;
        while (Next(ref r) != JsonTokenType.EndObject)
        {
            var key = ReadString(r.GetString()!, cache, asMapKey: true, r.TokenStartIndex);
            Next(ref r);
            if (first && key is Tag tag)
            {
                var tagged = ReadTagged(ref r, tag, cache, depth);
                Expect(ref r, JsonTokenType.EndObject, "one tagged value in an object");
                return tagged;
            }

            if (first)
            {
                Enter(cache, depth, at);
                first = false;
            }

            entries.Add(new(AsValue(key, r.TokenStartIndex), AsValue(ReadAny(ref r, cache, depth + 1, asMapKey: false), r.TokenStartIndex)));
        }

        if (first)
        {
            Enter(cache, depth, at);
        }

        return Map(entries, at);
    }

    /// <summary>
    /// A tagged value whose representation starts at the current token. The tag and the
    /// representation are one value level, as the value they make is.
    /// </summary>
    private static EdnValue ReadTagged(ref Utf8JsonReader r, Tag tag, Context cache, int depth)
    {
        var at = r.TokenStartIndex;
        switch (tag.Name)
        {
            case "'":
                return AsValue(ReadAny(ref r, cache, depth, asMapKey: false), at);
            case "set":
                return AssocCollections.Set(Items(ref r, cache, depth, at));
            case "list":
                return new EdnList(Items(ref r, cache, depth, at));
            case "cmap":
            {
                var items = Items(ref r, cache, depth, at);
                if (items.Length % 2 != 0)
                {
                    throw new SentePackException("A cmap with an odd number of items", at);
                }

                var entries = new List<KeyValuePair<EdnValue, EdnValue>>(items.Length / 2);
                for (var i = 0; i < items.Length; i += 2)
                {
                    entries.Add(new(items[i], items[i + 1]));
                }

                return Map(entries, at);
            }

            case "ratio":
            {
                var (n, d) = Pair(ref r, cache, at);
                if (d.IsZero)
                {
                    throw new SentePackException("A ratio's denominator is zero", at);
                }

                if (BigInteger.Abs(n).ToString(CultureInfo.InvariantCulture).Length + BigInteger.Abs(d).ToString(CultureInfo.InvariantCulture).Length > SenteLimits.MaxNumberDigits)
                {
                    throw new SentePackException(EdnNumber.TooManyDigitsFault, at);
                }

                return EdnRatio.Create(n, d);
            }

            case "u":
            {
                var (hi, lo) = Pair(ref r, cache, at);
                if (hi < long.MinValue || hi > long.MaxValue || lo < long.MinValue || lo > long.MaxValue)
                {
                    throw new SentePackException("A uuid's halves are 64-bit integers", at);
                }

                Span<byte> bytes = stackalloc byte[16];
                BitConverter.TryWriteBytes(bytes, System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((long)hi));
                BitConverter.TryWriteBytes(bytes[8..], System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((long)lo));
                return new EdnUuid(new Guid(bytes, bigEndian: true));
            }

            default:
                var symbol = tag.Name.Length > 0 ? EdnSymbol.Parse(tag.Name) : null;
                if (cache.Options.KeepUnknownTags && symbol is not null && symbol.FullName == tag.Name
                    && EdnPrinterCore.IsPrintableTag(symbol) && tag.Name is not ("inst" or "uuid"))
                {
                    Enter(cache, depth, at);
                    return new EdnTagged(symbol, AsValue(ReadAny(ref r, cache, depth + 1, asMapKey: false), at));
                }

                throw new SentePackException($"Unknown Transit tag '{tag.Name}'", at);
        }
    }

    private static ImmutableArray<EdnValue> Items(ref Utf8JsonReader r, Context cache, int depth, long at)
    {
        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw new SentePackException("A tagged collection's items must be an array", at);
        }

        Enter(cache, depth, at);
        var items = ImmutableArray.CreateBuilder<EdnValue>();
        while (Next(ref r) != JsonTokenType.EndArray)
        {
            items.Add(AsValue(ReadAny(ref r, cache, depth + 1, asMapKey: false), r.TokenStartIndex));
        }

        return items.ToImmutable();
    }

    /// <summary>Two integers <c>[a,b]</c> (a ratio's parts, a uuid's halves); no value level of their own.</summary>
    private static (BigInteger A, BigInteger B) Pair(ref Utf8JsonReader r, Context cache, long at)
    {
        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw new SentePackException("Expected a pair of integers", at);
        }

        Next(ref r);
        var a = Integer(ReadAny(ref r, cache, 0, asMapKey: false), at);
        Next(ref r);
        var b = Integer(ReadAny(ref r, cache, 0, asMapKey: false), at);
        Expect(ref r, JsonTokenType.EndArray, "a pair of integers");
        return (a, b);
    }

    private static BigInteger Integer(object item, long at) => item switch
    {
        EdnLong l => l.Value,
        EdnBigInt b => b.Value,
        _ => throw new SentePackException("Expected an integer", at),
    };

    private static EdnMap Map(List<KeyValuePair<EdnValue, EdnValue>> entries, long at)
    {
        _ = at;
        return AssocCollections.Map(entries);
    }

    /// <summary>A string as read: a cache code is looked up; a cacheable string is remembered, then decoded.</summary>
    private static object ReadString(string s, Context cache, bool asMapKey, long at)
    {
        if (TransitCache.IsCode(s))
        {
            var index = TransitCache.Index(s);
            return index >= 0 && index < cache.Count
                ? cache[index]
                : throw new SentePackException($"Cache reference '{s}' was never defined", at);
        }

        var value = Decode(s, at);
        if (TransitCache.IsCacheable(s, asMapKey))
        {
            if (cache.Count == TransitCache.MaxEntries)
            {
                cache.Clear();
            }

            cache.Add(value);
        }

        return value;
    }

    private static object Decode(string s, long at)
    {
        if (s.Length < 2 || s[0] != '~')
        {
            return new EdnString(s);
        }

        var rest = s[2..];
        switch (s[1])
        {
            case '~' or '^' or '`':
                return new EdnString(s[1..]);
            case '#':
                return new Tag(rest);
            case ':':
            {
                var keyword = rest.Length > 0 ? EdnKeyword.Parse(rest) : null;
                return keyword is not null && EdnPrinterCore.IsPrintableKeyword(keyword) && keyword.FullName == rest
                    ? keyword
                    : throw new SentePackException($"A keyword EDN cannot carry: '{s}'", at);
            }

            case '$':
            {
                var symbol = rest.Length > 0 ? EdnSymbol.Parse(rest) : null;
                return symbol is not null && EdnPrinterCore.IsPrintableSymbol(symbol) && symbol.FullName == rest
                    ? symbol
                    : throw new SentePackException($"A symbol EDN cannot carry: '{s}'", at);
            }

            case 'c':
                return rest.Length > 0 && System.Text.Rune.DecodeFromUtf16(rest, out var rune, out var used) == System.Buffers.OperationStatus.Done && used == rest.Length
                    ? new EdnChar(rune.Value)
                    : throw new SentePackException($"Not one character: '{s}'", at);
            case 'u':
                return Guid.TryParseExact(rest, "D", out var guid) ? new EdnUuid(guid) : throw new SentePackException($"Not a uuid: '{s}'", at);
            case 'm':
                return long.TryParse(rest, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                    && ms >= MinInstantMs && ms <= MaxInstantMs
                    ? new EdnInst(DateTimeOffset.FromUnixTimeMilliseconds(ms))
                    : throw new SentePackException($"Not an instant: '{s}'", at);
            case 't':
                return DateTimeOffset.TryParse(rest, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant) && rest.Length <= 64
                    ? new EdnInst(instant)
                    : throw new SentePackException($"Not an instant: '{s}'", at);
            case 'i':
            {
                var value = WholeNumber(rest, s, at);
                return value >= long.MinValue && value <= long.MaxValue ? new EdnLong((long)value) : new EdnBigInt(value);
            }

            case 'n':
                return new EdnBigInt(WholeNumber(rest, s, at));
            case 'f':
                CheckNumberText(rest, at);
                return BigDecimalText.TryCanonical(rest, out var text) ? new EdnBigDecimal(text) : throw new SentePackException($"Not a decimal: '{s}'", at);
            case 'd':
                CheckNumberText(rest, at);
                return double.TryParse(rest, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? new EdnDouble(d) : throw new SentePackException($"Not a double: '{s}'", at);
            case 'z':
                return rest switch
                {
                    "NaN" => new EdnDouble(double.NaN),
                    "INF" => new EdnDouble(double.PositiveInfinity),
                    "-INF" => new EdnDouble(double.NegativeInfinity),
                    _ => throw new SentePackException($"Not a special number: '{s}'", at),
                };
            case '_' when rest.Length == 0:
                return EdnNil.Instance;
            case '?' when rest is "t" or "f":
                return rest == "t" ? EdnBool.True : EdnBool.False;
            default:
                throw new SentePackException($"No value for the Transit form '{s[..2]}'", at);
        }
    }

    private static readonly long MinInstantMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxInstantMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    private static BigInteger WholeNumber(string digits, string s, long at)
    {
        CheckNumberText(digits, at);
        var body = digits.StartsWith('-') ? digits.AsSpan(1) : digits.AsSpan();
        if (body.IsEmpty || body.ContainsAnyExcept("0123456789"))
        {
            throw new SentePackException($"Not an integer: '{s}'", at);
        }

        return BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
    }

    private static void CheckNumberText(string text, long at)
    {
        if (text.Length > SenteLimits.MaxNumberLength)
        {
            throw new SentePackException(EdnNumber.TooLongFault(SenteLimits.MaxNumberLength), at);
        }

        if (EdnNumber.MantissaDigits(text) > SenteLimits.MaxNumberDigits)
        {
            throw new SentePackException(EdnNumber.TooManyDigitsFault, at);
        }
    }

    private static JsonTokenType Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            throw new SentePackException("Truncated Transit frame", r.TokenStartIndex);
        }

        return r.TokenType;
    }

    private static void Expect(ref Utf8JsonReader r, JsonTokenType type, string what)
    {
        if (Next(ref r) != type)
        {
            throw new SentePackException($"Expected {what}", r.TokenStartIndex);
        }
    }

    private static void Enter(Context cache, int depth, long at)
    {
        if (depth >= cache.Options.MaxDepth)
        {
            throw new SentePackException($"Nested deeper than {cache.Options.MaxDepth}", at);
        }
    }
}
