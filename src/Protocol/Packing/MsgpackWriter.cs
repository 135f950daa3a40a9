using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using MessagePack;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Writes values in Sente's MessagePack dialect (<c>taoensso.msgpack</c>, as its JVM side writes):
/// integers in the smallest of Sente's forms (positive ones past 32 bits as int64), doubles as
/// float64, decimals as their double, vectors and lists as arrays, and extension types for the rest:
/// keyword 0 (<c>ns/name</c>), symbol 1, char 2, ratio 3 (two integers), set 4 (a packed array),
/// uuid 9 (its 36 characters), instant -1 (12 bytes: nanoseconds u32, seconds i64). A keyword or string
/// map key written before in the frame becomes extension 8 with its index (up to 256 keys).
/// </summary>
internal sealed class MsgpackWriter
{
    public const sbyte KeywordType = 0;
    public const sbyte SymbolType = 1;
    public const sbyte CharType = 2;
    public const sbyte RatioType = 3;
    public const sbyte SetType = 4;
    public const sbyte CachedKeyType = 8;
    public const sbyte UuidType = 9;
    public const sbyte InstantType = -1;

    /// <summary>Keys the cache holds: indices 0 to 255, one byte.</summary>
    public const int MaxCachedKeys = 256;

    /// <summary>The cached-key extension for each index: fixext 1, type 8, the index.</summary>
    internal static readonly byte[][] CachedKeyRefs =
        [.. Enumerable.Range(0, MaxCachedKeys).Select(i => new byte[] { MessagePackCode.FixExt1, (byte)CachedKeyType, (byte)i })];

    private readonly Dictionary<EdnValue, int> _keys = [];

    public static void WriteDocument(EdnValue? value, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        new MsgpackWriter().Write(ref writer, value, 0);
        writer.Flush();
    }

    private void Write(ref MessagePackWriter w, EdnValue? value, int depth)
    {
        switch (value)
        {
            case null or EdnNil:
                w.WriteNil();
                break;
            case EdnBool b:
                w.Write(b.Value);
                break;
            case EdnLong l:
                WriteInteger(ref w, l.Value);
                break;
            case EdnBigInt bi when EdnNumber.IsTooLong(bi.Value):
                // Written as a double below, but refused as every packer refuses it, so that what
                // this packer writes the others write too.
                throw new SentePackException(EdnNumber.TooManyDigitsFault);
            case EdnBigInt bi when bi.Value >= long.MinValue && bi.Value <= long.MaxValue:
                WriteInteger(ref w, (long)bi.Value);
                break;
            case EdnBigInt bi when bi.Value.Sign > 0 && bi.Value <= ulong.MaxValue:
                w.WriteUInt64((ulong)bi.Value);
                break;
            case EdnBigInt bi:
                // Beyond 64 bits Sente's own packer has no form (it throws); the nearest double is written.
                w.Write((double)bi.Value);
                break;
            case EdnDouble d:
                w.Write(d.Value);
                break;
            case EdnBigDecimal bd when EdnNumber.IsTooLong(bd.Text):
                throw new SentePackException(EdnNumber.TooManyDigitsFault);
            case EdnBigDecimal bd:
                w.Write(BigDecimalText.TryCanonical(bd.Text, out var text)
                    ? double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture)
                    : throw new SentePackException($"Not a decimal: {bd.Text}"));
                break;
            case EdnRatio r:
                WriteRatio(ref w, r);
                break;
            case EdnString s:
                w.Write(s.Value ?? string.Empty);
                break;
            case EdnKeyword k:
                // Keywords and symbols EDN cannot print are refused as the EDN packer refuses them,
                // so that whatever this packer writes its reader (and every other packer) takes.
                WriteTextExtension(ref w, KeywordType, EdnPrinterCore.IsPrintableKeyword(k) ? k.FullName : throw new SentePackException($"A keyword EDN cannot print: {k.Namespace}/{k.Name}"));
                break;
            case EdnSymbol sym:
                WriteTextExtension(ref w, SymbolType, EdnPrinterCore.IsPrintableSymbol(sym) ? sym.FullName : throw new SentePackException($"A symbol EDN cannot print: {sym.Namespace}/{sym.Name}"));
                break;
            case EdnChar c:
                WriteTextExtension(ref w, CharType, c.CodePoint switch
                {
                    >= 0xD800 and <= 0xDFFF => "\uFFFD",
                    >= 0 and <= 0x10FFFF => char.ConvertFromUtf32(c.CodePoint),
                    _ => throw new SentePackException($"Not a character: {c.CodePoint}"),
                });
                break;
            case EdnUuid u:
                WriteTextExtension(ref w, UuidType, u.Value.ToString("D"));
                break;
            case EdnInst i:
                WriteInstant(ref w, i.Value);
                break;
            case EdnTagged t:
                // No MessagePack form of its own: the value, as the JSON packer writes it.
                Descend(depth);
                Write(ref w, t.Value, depth + 1);
                break;
            case EdnSequence seq:
                Descend(depth);
                w.WriteArrayHeader(seq.Count);
                foreach (var item in seq)
                {
                    Write(ref w, item, depth + 1);
                }

                break;
            case EdnSet set:
            {
                Descend(depth);
                var content = new ArrayBufferWriter<byte>(64);
                var inner = new MessagePackWriter(content);
                inner.WriteArrayHeader(set.Count);
                foreach (var item in set)
                {
                    Write(ref inner, item, depth + 1);
                }

                inner.Flush();
                w.WriteExtensionFormatHeader(new ExtensionHeader(SetType, content.WrittenCount));
                w.WriteRaw(content.WrittenSpan);
                break;
            }

            case EdnMap map:
                Descend(depth);
                w.WriteMapHeader(map.Count);
                foreach (var entry in map)
                {
                    if (CachedKey(entry.Key) is { } index)
                    {
                        w.WriteRaw(CachedKeyRefs[index]);
                    }
                    else
                    {
                        Write(ref w, entry.Key, depth + 1);
                    }

                    Write(ref w, entry.Value, depth + 1);
                }

                break;
            default:
                throw new SentePackException($"No MessagePack form for {value.GetType().Name}");
        }
    }

    /// <summary>The index of a keyword or string key written before; else null, and the key is remembered while there is room.</summary>
    private int? CachedKey(EdnValue key)
    {
        if (key is not (EdnKeyword or EdnString))
        {
            return null;
        }

        if (_keys.TryGetValue(key, out var index))
        {
            return index;
        }

        if (_keys.Count < MaxCachedKeys)
        {
            _keys.Add(key, _keys.Count);
        }

        return null;
    }

    /// <summary>Sente's integer forms: fixints, then int8..int32 below zero, uint8..uint32 above, int64 beyond.</summary>
    internal static void WriteInteger(ref MessagePackWriter w, long n)
    {
        switch (n)
        {
            case >= -32 and <= 127:
                w.Write(n);
                break;
            case < 0 and >= sbyte.MinValue:
                w.WriteInt8((sbyte)n);
                break;
            case < 0 and >= short.MinValue:
                w.WriteInt16((short)n);
                break;
            case < 0 and >= int.MinValue:
                w.WriteInt32((int)n);
                break;
            case > 0 and <= byte.MaxValue:
                w.WriteUInt8((byte)n);
                break;
            case > 0 and <= ushort.MaxValue:
                w.WriteUInt16((ushort)n);
                break;
            case > 0 and <= uint.MaxValue:
                w.WriteUInt32((uint)n);
                break;
            default:
                w.WriteInt64(n);
                break;
        }
    }

    private static void WriteRatio(ref MessagePackWriter w, EdnRatio r)
    {
        if (r.Denominator.IsZero)
        {
            throw new SentePackException("A ratio's denominator is zero");
        }

        if (EdnNumber.IsTooLong(r.Numerator, r.Denominator))
        {
            throw new SentePackException(EdnNumber.TooManyDigitsFault);
        }

        if (!Fits(r.Numerator) || !Fits(r.Denominator))
        {
            // Sente's ratio holds two 64-bit integers; a larger one is written as its quotient.
            w.Write(Quotient(r.Numerator, r.Denominator));
            return;
        }

        var content = new ArrayBufferWriter<byte>(20);
        var inner = new MessagePackWriter(content);
        WriteInteger(ref inner, (long)r.Numerator);
        WriteInteger(ref inner, (long)r.Denominator);
        inner.Flush();
        w.WriteExtensionFormatHeader(new ExtensionHeader(RatioType, content.WrittenCount));
        w.WriteRaw(content.WrittenSpan);
    }

    private static bool Fits(BigInteger n) => n >= long.MinValue && n <= long.MaxValue;

    private static double Quotient(BigInteger n, BigInteger d)
    {
        var excess = Math.Max(BigInteger.Abs(n).GetBitLength(), BigInteger.Abs(d).GetBitLength()) - 1000;
        if (excess > 0)
        {
            (n, d) = (n >> (int)excess, d >> (int)excess);
            if (d.IsZero)
            {
                return n.Sign >= 0 ? double.PositiveInfinity : double.NegativeInfinity;
            }
        }

        return (double)n / (double)d;
    }

    private static void WriteTextExtension(ref MessagePackWriter w, sbyte type, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.WriteExtensionFormatHeader(new ExtensionHeader(type, bytes.Length));
        w.WriteRaw(bytes);
    }

    /// <summary>Always the 12-byte form, as Sente writes it: nanoseconds (u32) then seconds (i64), big-endian.</summary>
    private static void WriteInstant(ref MessagePackWriter w, DateTimeOffset value)
    {
        var ms = value.ToUnixTimeMilliseconds();
        var seconds = Math.DivRem(ms, 1000, out var millis);
        if (millis < 0)
        {
            seconds--;
            millis += 1000;
        }

        w.WriteExtensionFormatHeader(new ExtensionHeader(InstantType, 12));
        var bytes = w.GetSpan(12);
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)(millis * 1_000_000));
        BinaryPrimitives.WriteInt64BigEndian(bytes[4..], seconds);
        w.Advance(12);
    }

    private static void Descend(int depth)
    {
        if (depth >= SenteLimits.MaxDepth)
        {
            throw new SentePackException($"Value nested deeper than {SenteLimits.MaxDepth}");
        }
    }
}
