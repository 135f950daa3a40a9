using System.Buffers;
using MessagePack;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Sente's MessagePack packer (<c>taoensso.sente.packers.msgpack</c>, Sente 1.22): binary frames
/// (WebSocket binary messages, octet-stream Ajax bodies), with the same value model as EDN. Writes
/// what Sente's own server writes, byte for byte (the key cache included, across the events of a
/// push batch). Written on MessagePack-CSharp's <see cref="MessagePackWriter"/> and <see cref="MessagePackReader"/>.
/// </summary>
public sealed class MsgpackPacker(EdnReaderOptions? options = null) : ISentePacker
{
    /// <summary>The packer with the default reader limits.</summary>
    public static readonly MsgpackPacker Instance = new();

    private readonly EdnReaderOptions _options = options ?? EdnReaderOptions.Default;

    public string Name => "msgpack";

    public bool IsBinary => true;

    public bool EventIdsAreStrings => false;

    /// <summary>
    /// Writes a value; throws <see cref="SentePackException"/> for one MessagePack cannot carry
    /// (nesting past 100 levels, a ratio over zero, a decimal whose text is no number). Integers beyond
    /// 64 bits, and ratios with such parts, are written as the nearest double: Sente's dialect has no form for them.
    /// </summary>
    public void Pack(EdnValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        MsgpackWriter.WriteDocument(value, output);
    }

    /// <summary>
    /// Reads one value (<see cref="EdnReaderOptions.MaxInputBytes"/> and <see cref="EdnReaderOptions.MaxDepth"/>
    /// apply); throws <see cref="SentePackException"/> and nothing else on bad input.
    /// </summary>
    public EdnValue Unpack(ReadOnlySpan<byte> frame) => MsgpackReader.Read(frame, _options);

    /// <summary>
    /// Writes <c>[[e1 e2 …] nil]</c> with one key cache over the whole frame, as when Sente packs the
    /// batch as one value: in each event a keyword or string map key seen before in the frame becomes
    /// its cached-key extension. A pass over the packed bytes; only sets are re-measured (their length
    /// prefix changes when keys inside them do).
    /// </summary>
    public void WriteBatch(IReadOnlyList<ReadOnlyMemory<byte>> packedEvents, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(packedEvents);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(2);
        writer.WriteArrayHeader(packedEvents.Count);
        if (packedEvents.Count == 1)
        {
            // One event (the common push): its keys come first in the frame, so its own cached
            // keys are the frame's, and it goes out as packed.
            writer.WriteRaw(packedEvents[0].Span);
            writer.WriteNil();
            writer.Flush();
            return;
        }

        var frameKeys = new Dictionary<ReadOnlyMemory<byte>, int>(RawKeyComparer.Instance);
        foreach (var packed in packedEvents)
        {
            var reader = new MessagePackReader(packed);
            Recache(ref reader, ref writer, [], frameKeys);
        }

        writer.WriteNil();
        writer.Flush();
    }

    private static void Recache(ref MessagePackReader r, ref MessagePackWriter w, List<ReadOnlyMemory<byte>> ownKeys, Dictionary<ReadOnlyMemory<byte>, int> frameKeys)
    {
        switch (r.NextMessagePackType)
        {
            case MessagePackType.Array:
            {
                var count = r.ReadArrayHeader();
                w.WriteArrayHeader(count);
                for (var i = 0; i < count; i++)
                {
                    Recache(ref r, ref w, ownKeys, frameKeys);
                }

                break;
            }

            case MessagePackType.Map:
            {
                var count = r.ReadMapHeader();
                w.WriteMapHeader(count);
                for (var i = 0; i < count; i++)
                {
                    if (r.NextMessagePackType is MessagePackType.Array or MessagePackType.Map || IsSet(ref r))
                    {
                        // A collection as a key: never cached itself, but maps inside it hold keys.
                        Recache(ref r, ref w, ownKeys, frameKeys);
                        Recache(ref r, ref w, ownKeys, frameKeys);
                        continue;
                    }

                    var key = Key(ref r, ownKeys);
                    if (IsCacheableKey(key.Span))
                    {
                        if (frameKeys.TryGetValue(key, out var index))
                        {
                            w.WriteRaw(MsgpackWriter.CachedKeyRefs[index]);
                        }
                        else
                        {
                            if (frameKeys.Count < MsgpackWriter.MaxCachedKeys)
                            {
                                frameKeys.Add(key, frameKeys.Count);
                            }

                            w.WriteRaw(key.Span);
                        }
                    }
                    else
                    {
                        w.WriteRaw(key.Span);
                    }

                    Recache(ref r, ref w, ownKeys, frameKeys);
                }

                break;
            }

            case MessagePackType.Extension when IsSet(ref r):
            {
                var header = r.ReadExtensionFormatHeader();
                var content = new MessagePackReader(r.ReadRaw(header.Length));
                var buffer = new ArrayBufferWriter<byte>(checked((int)header.Length) + 16);
                var inner = new MessagePackWriter(buffer);
                Recache(ref content, ref inner, ownKeys, frameKeys);
                inner.Flush();
                w.WriteExtensionFormatHeader(new ExtensionHeader(MsgpackWriter.SetType, buffer.WrittenCount));
                w.WriteRaw(buffer.WrittenSpan);
                break;
            }

            default:
                // Scalars and the other extensions (a ratio holds only integers): copied as packed.
                foreach (var segment in r.ReadRaw())
                {
                    w.WriteRaw(segment.Span);
                }

                break;
        }
    }

    private static bool IsSet(ref MessagePackReader r) =>
        r.NextMessagePackType == MessagePackType.Extension && r.CreatePeekReader().ReadExtensionFormatHeader().TypeCode == MsgpackWriter.SetType;

    /// <summary>A map key's bytes in full: a cached-key extension of the event's own packing is resolved to the key it stands for.</summary>
    private static ReadOnlyMemory<byte> Key(ref MessagePackReader r, List<ReadOnlyMemory<byte>> ownKeys)
    {
        if (r.NextMessagePackType == MessagePackType.Extension)
        {
            var peek = r.CreatePeekReader();
            if (peek.ReadExtensionFormatHeader().TypeCode == MsgpackWriter.CachedKeyType)
            {
                r.ReadExtensionFormatHeader();
                return ownKeys[r.ReadRaw(1).FirstSpan[0]];
            }
        }

        var raw = r.ReadRaw();
        var key = raw.IsSingleSegment ? raw.First : raw.ToArray();
        if (IsCacheableKey(key.Span) && ownKeys.Count < MsgpackWriter.MaxCachedKeys)
        {
            ownKeys.Add(key);
        }

        return key;
    }

    /// <summary>A string or a keyword (extension type 0), the keys Sente's cache takes.</summary>
    private static bool IsCacheableKey(ReadOnlySpan<byte> key)
    {
        var code = key[0];
        if (code is >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr or MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32)
        {
            return true;
        }

        var typeAt = code switch
        {
            MessagePackCode.FixExt1 or MessagePackCode.FixExt2 or MessagePackCode.FixExt4 or MessagePackCode.FixExt8 or MessagePackCode.FixExt16 => 1,
            MessagePackCode.Ext8 => 2,
            MessagePackCode.Ext16 => 3,
            MessagePackCode.Ext32 => 5,
            _ => -1,
        };
        return typeAt > 0 && (sbyte)key[typeAt] == MsgpackWriter.KeywordType;
    }

    private sealed class RawKeyComparer : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly RawKeyComparer Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Span.SequenceEqual(y.Span);

        public int GetHashCode(ReadOnlyMemory<byte> obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj.Span);
            return hash.ToHashCode();
        }
    }
}
