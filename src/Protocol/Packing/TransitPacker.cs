using System.Buffers;
using System.Text.Json;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Sente's Transit packer (<c>taoensso.sente.packers.transit</c>): transit-json text frames, with
/// the same value model as EDN. Writes what Sente's own server writes, byte for byte (the write
/// cache included, across the events of a push batch); reads the cached and the verbose forms.
/// </summary>
public sealed class TransitPacker(EdnReaderOptions? options = null) : ISentePacker
{
    /// <summary>The packer with the default reader limits, refusing tags Transit does not define, as EDN refuses unknown tags.</summary>
    public static readonly TransitPacker Instance = new();

    private readonly EdnReaderOptions _options = options ?? EdnReaderOptions.Default;

    public string Name => "transit";

    public bool IsBinary => false;

    public bool EventIdsAreStrings => false;

    /// <summary>Writes a value; throws <see cref="SentePackException"/> for one Transit cannot carry (nesting past 100 levels, a ratio over zero, a decimal whose text is no number).</summary>
    public void Pack(EdnValue value, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        new TransitWriter(output).WriteDocument(value);
    }

    /// <summary>
    /// Reads one value (<see cref="EdnReaderOptions.MaxInputBytes"/> and <see cref="EdnReaderOptions.MaxDepth"/>
    /// apply; with <see cref="EdnReaderOptions.KeepUnknownTags"/>, a tag Transit does not define is kept as an
    /// <see cref="EdnTagged"/> when EDN can print it); throws <see cref="SentePackException"/> and nothing else on bad input.
    /// </summary>
    public EdnValue Unpack(ReadOnlySpan<byte> frame) => TransitReader.Read(frame, _options);

    /// <summary>
    /// Writes <c>[[e1,e2,…],null]</c>. One cache spans the whole frame, as when Sente packs the batch
    /// as one value: the first event goes out as it was packed, and in each later one a cacheable
    /// string seen before in the frame becomes its code (and a code of its own packing the string
    /// it stood for, or that string's code in the frame). A linear pass over tokens; no value is rebuilt.
    /// </summary>
    public void WriteBatch(IReadOnlyList<ReadOnlyMemory<byte>> packedEvents, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(packedEvents);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new Utf8Output(output);
        if (packedEvents.Count == 1)
        {
            // One event (the common push): its strings come first in the frame, so its own cache
            // codes are the frame's, and it goes out as packed.
            writer.Write("[["u8);
            writer.Write(packedEvents[0].Span);
            writer.Write("],null]"u8);
            writer.Flush();
            return;
        }

        var frameCache = new TransitCache.Writing();
        writer.Write("[["u8);
        for (var i = 0; i < packedEvents.Count; i++)
        {
            if (i > 0)
            {
                writer.Write((byte)',');
            }

            Recache(packedEvents[i].Span, frameCache, ref writer);
        }

        writer.Write("],null]"u8);
        writer.Flush();
    }

    /// <summary>
    /// Copies one packed value, re-applying the frame's write cache to its strings. Strings are
    /// recognised as map keys by position: the odd items of an array that starts with <c>"^ "</c>.
    /// </summary>
    private static void Recache(ReadOnlySpan<byte> packed, TransitCache.Writing frameCache, ref Utf8Output output)
    {
        var reader = new Utf8JsonReader(packed, new JsonReaderOptions { MaxDepth = (2 * SenteLimits.MaxDepth) + 4 });
        var own = new List<string>();
        Span<int> positions = stackalloc int[(2 * SenteLimits.MaxDepth) + 5];
        Span<bool> maps = stackalloc bool[(2 * SenteLimits.MaxDepth) + 5];
        var level = -1;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                output.Write((byte)']');
                level--;
                continue;
            }

            if (level >= 0 && positions[level]++ > 0)
            {
                output.Write((byte)',');
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartArray:
                    output.Write((byte)'[');
                    level++;
                    positions[level] = 0;
                    maps[level] = false;
                    break;
                case JsonTokenType.String:
                    var s = reader.GetString()!;
                    if (level >= 0 && positions[level] == 1 && s == "^ ")
                    {
                        maps[level] = true;
                        TransitWriter.WriteJsonString(ref output, s);
                        break;
                    }

                    var asMapKey = level >= 0 && maps[level] && positions[level] % 2 == 0;
                    if (TransitCache.IsCode(s))
                    {
                        s = own[TransitCache.Index(s)];
                    }
                    else if (TransitCache.IsCacheable(s, asMapKey))
                    {
                        if (own.Count == TransitCache.MaxEntries)
                        {
                            own.Clear();
                        }

                        own.Add(s);
                    }

                    TransitWriter.WriteJsonString(ref output, frameCache.Use(s, asMapKey) ?? s);
                    break;
                default:
                    // Numbers, null, true, false: copied as written.
                    output.Write(reader.ValueSpan);
                    break;
            }
        }
    }
}
