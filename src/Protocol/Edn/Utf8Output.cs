using System.Buffers;
using System.Text;

namespace Orleans.Sente.Protocol;

/// <summary>Buffered writes into an <see cref="IBufferWriter{T}"/>: one GetSpan per few hundred bytes, not per token.</summary>
internal ref struct Utf8Output(IBufferWriter<byte> output)
{
    private const int ChunkSize = 512;
    private readonly IBufferWriter<byte> _output = output;
    private Span<byte> _span;
    private int _used;

    public Span<byte> Reserve(int size)
    {
        if (_span.Length - _used < size)
        {
            Flush();
            _span = _output.GetSpan(Math.Max(size, ChunkSize));
        }

        return _span[_used..];
    }

    public void Advance(int count) => _used += count;

    public void Write(byte b)
    {
        Reserve(1)[0] = b;
        _used++;
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _used += bytes.Length;
    }

    /// <summary>Writes text as UTF-8; the caller has made sure it holds no lone surrogate.</summary>
    public void WriteText(ReadOnlySpan<char> text)
    {
        const int Slice = 1024;
        while (!text.IsEmpty)
        {
            var take = Math.Min(Slice, text.Length);
            if (take < text.Length && char.IsHighSurrogate(text[take - 1]))
            {
                take--;
            }

            // Reserve may flush and reset _used, so it must run before _used is read.
            var written = Encoding.UTF8.GetBytes(text[..take], Reserve(take * 3));
            _used += written;
            text = text[take..];
        }
    }

    public void WriteFormattable<T>(T value, ReadOnlySpan<char> format = default)
        where T : IUtf8SpanFormattable
    {
        var size = 32;
        while (true)
        {
            if (value.TryFormat(Reserve(size), out var written, format, System.Globalization.CultureInfo.InvariantCulture))
            {
                _used += written;
                return;
            }

            size *= 2;
        }
    }

    public void Flush()
    {
        if (_used > 0)
        {
            _output.Advance(_used);
        }

        _used = 0;
        _span = default;
    }
}
