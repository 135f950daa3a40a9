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

    /// <summary>Deepest nesting read or written.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, MaxDepth = MaxDepth + 1 };
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = MaxDepth };

    public string Name => "json";

    public bool IsBinary => false;

    public bool EventIdsAreStrings => true;

    public void Pack(EdnValue value, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        Write(writer, value, 0);
        writer.Flush();
    }

    public EdnValue Unpack(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame, ReaderOptions);
            if (!reader.Read())
            {
                throw new SentePackException("Empty JSON frame", 0);
            }

            var value = Read(ref reader);
            if (reader.Read())
            {
                throw new SentePackException("Trailing data after the JSON value", reader.TokenStartIndex);
            }

            return value;
        }
        catch (JsonException e)
        {
            throw new SentePackException("Malformed JSON: " + e.Message, e.BytePositionInLine ?? -1, e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            // Invalid UTF-8 inside a string, a number beyond double's range: the reader
            // reports these from GetString/GetDouble, not as JsonException.
            throw new SentePackException("Malformed JSON: " + e.Message, -1, e);
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

    private static void Write(Utf8JsonWriter w, EdnValue value, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new SentePackException($"Value nested deeper than {MaxDepth}");
        }

        switch (value)
        {
            case EdnNil:
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
                w.WriteRawValue(bi.Value.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case EdnBigDecimal bd:
                // The text is canonicalised first: written raw, an arbitrary Text could break the frame.
                w.WriteRawValue(BigDecimalText.TryCanonical(bd.Text, out var decimalText) ? decimalText : throw new SentePackException($"Not a decimal: {bd.Text}"), skipInputValidation: true);
                break;
            case EdnRatio r:
                w.WriteNumberValue((double)r.Numerator / (double)r.Denominator);
                break;
            case EdnString s:
                w.WriteStringValue(s.Value);
                break;
            case EdnKeyword k:
                w.WriteStringValue(":" + k.FullName);
                break;
            case EdnSymbol sym:
                w.WriteStringValue(sym.FullName);
                break;
            case EdnChar c:
                w.WriteStringValue(char.ConvertFromUtf32(c.CodePoint));
                break;
            case EdnUuid u:
                w.WriteStringValue(u.Value.ToString("D"));
                break;
            case EdnInst i:
                w.WriteStringValue(i.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            case EdnTagged t:
                Write(w, t.Value, depth + 1);
                break;
            case EdnSequence seq:
                w.WriteStartArray();
                foreach (var item in seq)
                {
                    Write(w, item, depth + 1);
                }

                w.WriteEndArray();
                break;
            case EdnSet set:
                w.WriteStartArray();
                foreach (var item in set)
                {
                    Write(w, item, depth + 1);
                }

                w.WriteEndArray();
                break;
            case EdnMap map:
                w.WriteStartObject();
                foreach (var entry in map)
                {
                    w.WritePropertyName(KeyName(entry.Key));
                    Write(w, entry.Value, depth + 1);
                }

                w.WriteEndObject();
                break;
            default:
                throw new SentePackException($"No JSON form for {value.GetType().Name}");
        }
    }

    private static string KeyName(EdnValue key) => key switch
    {
        EdnKeyword k => k.FullName,
        EdnString s => s.Value,
        EdnSymbol s => s.FullName,
        EdnLong l => l.Value.ToString(CultureInfo.InvariantCulture),
        _ => key.ToString() ?? string.Empty,
    };

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

    private static EdnValue Read(ref Utf8JsonReader r)
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
                if (r.TryGetInt64(out var l))
                {
                    return new EdnLong(l);
                }

                var raw = System.Text.Encoding.UTF8.GetString(r.HasValueSequence ? r.ValueSequence.ToArray() : r.ValueSpan);
                if (raw.AsSpan().IndexOfAny(".eE") < 0 && BigInteger.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
                {
                    return new EdnBigInt(big);
                }

                return new EdnDouble(r.GetDouble());
            case JsonTokenType.StartArray:
            {
                var items = ImmutableArray.CreateBuilder<EdnValue>();
                while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref r));
                }

                return new EdnVector(items.ToImmutable());
            }

            case JsonTokenType.StartObject:
            {
                var entries = new List<KeyValuePair<EdnValue, EdnValue>>();
                while (r.Read() && r.TokenType != JsonTokenType.EndObject)
                {
                    var key = ObjectKey(r.GetString()!);
                    r.Read();
                    entries.Add(new(key, Read(ref r)));
                }

                try
                {
                    return EdnMap.Create(entries);
                }
                catch (ArgumentException e)
                {
                    throw new SentePackException(e.Message, r.TokenStartIndex, e);
                }
            }

            default:
                throw new SentePackException($"Unexpected JSON token {r.TokenType}", r.TokenStartIndex);
        }
    }
}
