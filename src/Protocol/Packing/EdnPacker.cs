using System.Buffers;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Sente's default packer: EDN text, as an unmodified Sente client sends and expects it.
/// Frames are printed as Clojure's <c>pr-str</c> prints them and read by <see cref="EdnReader"/>.
/// </summary>
public sealed class EdnPacker(EdnReaderOptions? options = null) : ISentePacker
{
    /// <summary>The packer with the default reader limits, refusing unknown tags as Sente does.</summary>
    public static readonly EdnPacker Instance = new();

    private readonly EdnReaderOptions _options = options ?? EdnReaderOptions.Default;

    public string Name => "edn";

    public bool IsBinary => false;

    public bool EventIdsAreStrings => false;

    /// <summary>Prints the value; throws <see cref="SentePackException"/> for a value EDN cannot carry.</summary>
    public void Pack(EdnValue value, IBufferWriter<byte> output) => EdnPrinter.Print(value, output, _options.MaxDepth);

    public EdnValue Unpack(ReadOnlySpan<byte> frame) => EdnReader.Read(frame, _options);

    /// <summary>Writes <c>[[e1 e2 ...] nil]</c>, items separated by one space as Clojure prints a vector.</summary>
    public void WriteBatch(IReadOnlyList<ReadOnlyMemory<byte>> packedEvents, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(packedEvents);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new Utf8Output(output);
        writer.Write("[["u8);
        for (var i = 0; i < packedEvents.Count; i++)
        {
            if (i > 0)
            {
                writer.Write((byte)' ');
            }

            writer.Write(packedEvents[i].Span);
        }

        writer.Write("] nil]"u8);
        writer.Flush();
    }
}
