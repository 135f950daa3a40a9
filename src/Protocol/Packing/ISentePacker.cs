using System.Buffers;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Turns values into frames and back. A packer knows nothing of Sente's envelope: the
/// envelope is built and read as <see cref="EdnValue"/>s by <see cref="Envelope"/>.
/// Packers are stateless and thread-safe.
/// </summary>
public interface ISentePacker
{
    /// <summary>The name a client asks for with the <c>packer</c> query parameter ("edn", "json").</summary>
    string Name { get; }

    /// <summary>True when frames are binary (WebSocket binary messages, octet-stream POST bodies).</summary>
    bool IsBinary { get; }

    /// <summary>
    /// True when this packer has no keyword type of its own, so an event id arrives as a
    /// string (<c>"my/req"</c> or <c>":my/req"</c>) and is read as a keyword.
    /// </summary>
    bool EventIdsAreStrings { get; }

    /// <summary>Writes a value.</summary>
    void Pack(EdnValue value, IBufferWriter<byte> output);

    /// <summary>Reads one value; throws <see cref="SentePackException"/> and nothing else on bad input.</summary>
    EdnValue Unpack(ReadOnlySpan<byte> frame);

    /// <summary>
    /// Writes the push frame <c>[[ev1 ev2 ...] nil]</c> from events each packed once
    /// beforehand by <see cref="Pack"/> (of <see cref="SenteEvent.ToVector"/>), so that one push
    /// delivered to many clients is packed once per packer, not once per client.
    /// </summary>
    void WriteBatch(IReadOnlyList<ReadOnlyMemory<byte>> packedEvents, IBufferWriter<byte> output);
}

/// <summary>A frame that a packer cannot read. <see cref="Position"/> is a byte offset, or -1.</summary>
public sealed class SentePackException(string message, long position = -1, Exception? inner = null)
    : Exception(position >= 0 ? $"{message} (at {position})" : message, inner)
{
    public long Position { get; } = position;
}
