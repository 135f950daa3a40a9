using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using MessagePack;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Reads Sente's MessagePack dialect (see <see cref="MsgpackWriter"/>) into the EDN value model,
/// bounded as the EDN reader is (<see cref="SenteLimits"/>). Also reads what Sente's browser side
/// writes (float32 for doubles that fit) and the 4- and 8-byte timestamp forms. Fails only with
/// <see cref="SentePackException"/>: a truncated frame, a cached key never defined, binary data or an
/// extension type EDN has no value for, invalid UTF-8, a keyword or symbol EDN cannot print,
/// nesting past 100 levels, trailing bytes. Maps and sets are built as Clojure builds them
/// (<see cref="AssocCollections"/>): the dialect folds kinds EDN tells apart.
/// </summary>
internal static class MsgpackReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The keys cached so far in the frame, and the options of the read.</summary>
    private sealed class Context(EdnReaderOptions options) : List<EdnValue>
    {
        public EdnReaderOptions Options { get; } = options;
    }

    public static EdnValue Read(ReadOnlySpan<byte> frame, EdnReaderOptions options)
    {
        if (frame.Length > options.MaxInputBytes)
        {
            throw new SentePackException($"Frame larger than {options.MaxInputBytes} bytes", 0);
        }

        if (frame.IsEmpty)
        {
            throw new SentePackException("Empty MessagePack frame", 0);
        }

        var reader = new MessagePackReader(frame.ToArray());
        try
        {
            var value = ReadValue(ref reader, new Context(options), 0);
            if (!reader.End)
            {
                throw new SentePackException("Trailing data after the MessagePack value", reader.Consumed);
            }

            return value;
        }
        catch (SentePackException)
        {
            throw;
        }
        catch (EndOfStreamException e)
        {
            throw new SentePackException("Truncated MessagePack frame", reader.Consumed, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new SentePackException("Malformed MessagePack: " + e.Message, reader.Consumed, e);
        }
    }

    private static EdnValue ReadValue(ref MessagePackReader r, Context keys, int depth)
    {
        var at = r.Consumed;
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Nil:
                r.ReadNil();
                return EdnNil.Instance;
            case MessagePackType.Boolean:
                return r.ReadBoolean() ? EdnBool.True : EdnBool.False;
            case MessagePackType.Integer:
                if (r.NextCode == MessagePackCode.UInt64)
                {
                    var u = r.ReadUInt64();
                    return u <= long.MaxValue ? new EdnLong((long)u) : new EdnBigInt(u);
                }

                return new EdnLong(r.ReadInt64());
            case MessagePackType.Float:
                return new EdnDouble(r.ReadDouble());
            case MessagePackType.String:
                return new EdnString(Text(r.ReadStringSequence(), at));
            case MessagePackType.Array:
            {
                var count = Count(ref r, r.ReadArrayHeader(), at);
                Enter(keys, depth, at);
                var items = ImmutableArray.CreateBuilder<EdnValue>(count);
                for (var i = 0; i < count; i++)
                {
                    items.Add(ReadValue(ref r, keys, depth + 1));
                }

                return new EdnVector(items.MoveToImmutable());
            }

            case MessagePackType.Map:
            {
                var count = Count(ref r, r.ReadMapHeader(), at);
                Enter(keys, depth, at);
                var entries = new List<KeyValuePair<EdnValue, EdnValue>>(count);
                for (var i = 0; i < count; i++)
                {
                    var key = ReadKey(ref r, keys, depth + 1);
                    entries.Add(new(key, ReadValue(ref r, keys, depth + 1)));
                }

                return AssocCollections.Map(entries);
            }

            case MessagePackType.Extension:
                return ReadExtension(ref r, keys, depth, at);
            default:
                throw new SentePackException($"No value for MessagePack {r.NextMessagePackType} data", at);
        }
    }

    /// <summary>A map key: a cached key (extension 8) is looked up; a keyword or string read in full is remembered while there is room.</summary>
    private static EdnValue ReadKey(ref MessagePackReader r, Context keys, int depth)
    {
        var at = r.Consumed;
        if (r.NextMessagePackType == MessagePackType.Extension)
        {
            var peek = r.CreatePeekReader();
            var header = peek.ReadExtensionFormatHeader();
            if (header.TypeCode == MsgpackWriter.CachedKeyType)
            {
                r.ReadExtensionFormatHeader();
                var index = header.Length == 1 ? r.ReadRaw(1).FirstSpan[0] : -1;
                return index >= 0 && index < keys.Count
                    ? keys[index]
                    : throw new SentePackException($"Cached key {index} was never defined", at);
            }
        }

        var key = ReadValue(ref r, keys, depth);
        if (key is EdnKeyword or EdnString && keys.Count < MsgpackWriter.MaxCachedKeys)
        {
            keys.Add(key);
        }

        return key;
    }

    private static EdnValue ReadExtension(ref MessagePackReader r, Context keys, int depth, long at)
    {
        var header = r.ReadExtensionFormatHeader();
        if (header.Length > r.Sequence.Length - r.Consumed)
        {
            throw new SentePackException("Truncated MessagePack frame", at);
        }

        var content = r.ReadRaw(header.Length);
        switch (header.TypeCode)
        {
            case MsgpackWriter.KeywordType:
            {
                var text = Text(content, at);
                var keyword = text.Length > 0 ? EdnKeyword.Parse(text) : null;
                return keyword is not null && EdnPrinterCore.IsPrintableKeyword(keyword) && keyword.FullName == text
                    ? keyword
                    : throw new SentePackException($"A keyword EDN cannot carry: ':{text}'", at);
            }

            case MsgpackWriter.SymbolType:
            {
                var text = Text(content, at);
                var symbol = text.Length > 0 ? EdnSymbol.Parse(text) : null;
                return symbol is not null && EdnPrinterCore.IsPrintableSymbol(symbol) && symbol.FullName == text
                    ? symbol
                    : throw new SentePackException($"A symbol EDN cannot carry: '{text}'", at);
            }

            case MsgpackWriter.CharType:
            {
                var text = Text(content, at);
                return text.Length > 0 && Rune.DecodeFromUtf16(text, out var rune, out var used) == OperationStatus.Done && used == text.Length
                    ? new EdnChar(rune.Value)
                    : throw new SentePackException("A char extension holds one character", at);
            }

            case MsgpackWriter.RatioType:
            {
                var inner = new MessagePackReader(content);
                var n = ReadValue(ref inner, keys, depth);
                var d = ReadValue(ref inner, keys, depth);
                if (!inner.End || n is not EdnLong numerator || d is not EdnLong denominator || denominator.Value == 0)
                {
                    throw new SentePackException("A ratio extension holds two integers, the second not zero", at);
                }

                return EdnRatio.Create(numerator.Value, denominator.Value);
            }

            case MsgpackWriter.SetType:
            {
                var inner = new MessagePackReader(content);
                if (inner.NextMessagePackType != MessagePackType.Array)
                {
                    throw new SentePackException("A set extension holds an array", at);
                }

                var count = Count(ref inner, inner.ReadArrayHeader(), at);
                Enter(keys, depth, at);
                var items = new List<EdnValue>(count);
                for (var i = 0; i < count; i++)
                {
                    items.Add(ReadValue(ref inner, keys, depth + 1));
                }

                if (!inner.End)
                {
                    throw new SentePackException("Trailing data in a set extension", at);
                }

                return AssocCollections.Set(items);
            }

            case MsgpackWriter.UuidType:
                return Guid.TryParseExact(Text(content, at), "D", out var guid)
                    ? new EdnUuid(guid)
                    : throw new SentePackException("A uuid extension holds a uuid's 36 characters", at);
            case MsgpackWriter.InstantType:
                return new EdnInst(Instant(content, at));
            case MsgpackWriter.CachedKeyType:
                throw new SentePackException("A cached key outside a map key", at);
            default:
                throw new SentePackException($"No value for MessagePack extension type {header.TypeCode}", at);
        }
    }

    /// <summary>MessagePack's timestamp forms: 4 bytes (seconds), 8 (30-bit nanoseconds, 34-bit seconds), 12 (nanoseconds u32, seconds i64).</summary>
    private static DateTimeOffset Instant(ReadOnlySequence<byte> content, long at)
    {
        Span<byte> b = stackalloc byte[12];
        if (content.Length is not (4 or 8 or 12))
        {
            throw new SentePackException("A timestamp of 4, 8 or 12 bytes", at);
        }

        content.CopyTo(b);
        long seconds;
        long nanos;
        switch (content.Length)
        {
            case 4:
                (seconds, nanos) = (BinaryPrimitives.ReadUInt32BigEndian(b), 0);
                break;
            case 8:
                var both = BinaryPrimitives.ReadUInt64BigEndian(b);
                (seconds, nanos) = ((long)(both & 0x3_FFFF_FFFF), (long)(both >> 34));
                break;
            default:
                (seconds, nanos) = (BinaryPrimitives.ReadInt64BigEndian(b[4..]), BinaryPrimitives.ReadUInt32BigEndian(b));
                break;
        }

        if (nanos >= 1_000_000_000 || seconds < MinSeconds || seconds > MaxSeconds)
        {
            throw new SentePackException("A timestamp out of range", at);
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(nanos / 100);
    }

    private static readonly long MinSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds() - 1;

    private static string Text(ReadOnlySequence<byte>? bytes, long at)
    {
        if (bytes is not { } sequence)
        {
            throw new SentePackException("Expected a string", at);
        }

        try
        {
            return sequence.IsSingleSegment ? StrictUtf8.GetString(sequence.FirstSpan) : StrictUtf8.GetString(sequence.ToArray());
        }
        catch (DecoderFallbackException e)
        {
            throw new SentePackException("Text is not valid UTF-8", at, e);
        }
    }

    /// <summary>A header's count, refused when the frame cannot hold that many items (each takes a byte at least).</summary>
    private static int Count(ref MessagePackReader r, int count, long at) =>
        count >= 0 && count <= r.Sequence.Length - r.Consumed
            ? count
            : throw new SentePackException("Truncated MessagePack frame: more items announced than bytes left", at);

    private static void Enter(Context keys, int depth, long at)
    {
        if (depth >= keys.Options.MaxDepth)
        {
            throw new SentePackException($"Nested deeper than {keys.Options.MaxDepth}", at);
        }
    }
}
