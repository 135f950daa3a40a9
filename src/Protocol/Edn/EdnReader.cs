using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Reads EDN as Sente's clients write it (Clojure's <c>pr-str</c>), and all of EDN besides:
/// comments, <c>#_</c> discards, <c>#!</c> comments, commas as whitespace, <c>#inst</c> and
/// <c>#uuid</c>, <c>##Inf</c>/<c>##NaN</c>, namespaced maps <c>#:ns{...}</c>, ratios, and the
/// integer forms Clojure reads (<c>0x1F</c>, <c>017</c>, <c>2r101</c>, <c>10N</c>).
/// </summary>
/// <remarks>
/// Built for untrusted input: the only exception that leaves it is <see cref="SentePackException"/>,
/// carrying the byte offset of the fault; nesting, frame size and number length are bounded by
/// <see cref="EdnReaderOptions"/>; the work is linear in the input. A frame is exactly one value:
/// data after it is refused (Clojure's <c>read-string</c> would ignore it).
/// </remarks>
public static class EdnReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads one value from text.</summary>
    public static EdnValue Read(string edn, EdnReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(edn);
        options ??= EdnReaderOptions.Default;
        if (edn.Length > options.MaxInputBytes)
        {
            throw TooLarge(options);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(StrictUtf8.GetMaxByteCount(edn.Length));
        try
        {
            int length;
            try
            {
                length = StrictUtf8.GetBytes(edn, buffer);
            }
            catch (EncoderFallbackException e)
            {
                throw new SentePackException("Text is not well-formed UTF-16 (lone surrogate)", e.Index, e);
            }

            return Read(buffer.AsSpan(0, length), options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one value from UTF-8 bytes.</summary>
    public static EdnValue Read(ReadOnlySpan<byte> utf8, EdnReaderOptions? options = null)
    {
        options ??= EdnReaderOptions.Default;
        if (utf8.Length > options.MaxInputBytes)
        {
            throw TooLarge(options);
        }

        if (!Utf8.IsValid(utf8))
        {
            Utf8.ToUtf16(utf8, new char[utf8.Length], out var validBytes, out _, replaceInvalidSequences: false);
            throw new SentePackException("Frame is not valid UTF-8", validBytes);
        }

        var parser = new EdnParser(utf8, options);
        return parser.ReadFrame();
    }

    private static SentePackException TooLarge(EdnReaderOptions options) =>
        new($"Frame larger than {options.MaxInputBytes} bytes", 0);
}
