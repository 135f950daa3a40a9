using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Prints values as Clojure's <c>pr-str</c> does, byte for byte, so that a Sente client sees
/// what Sente's own server would send: <c>{:a 1, :b 2}</c>, <c>#{1 2}</c>, <c>(1 2)</c>,
/// <c>#uuid "..."</c>, <c>#inst "2024-01-02T03:04:05.006-00:00"</c>, <c>1/3</c>, <c>10N</c>,
/// <c>1.5M</c>, doubles as Java's <c>Double.toString</c> (<c>1.0</c>, <c>1.0E10</c>,
/// <c>##NaN</c>), strings escaping only <c>" \ \n \t \r \f \b</c> (everything else raw, as
/// Clojure does), chars <c>\c</c>, <c>\newline</c>, <c>\space</c>.
/// </summary>
/// <remarks>
/// Where Clojure would print something that no reader can read back, the printer refuses
/// with <see cref="SentePackException"/> instead: a keyword or symbol with whitespace or a
/// delimiter in its name, a symbol that would read as a number or as nil/true/false, a
/// malformed decimal, a ratio with a zero denominator, nesting deeper than the limit. A lone
/// surrogate in a string or char, which Clojure would print as an unreadable byte, is
/// written as a <c>\uXXXX</c> escape that reads back exactly.
/// </remarks>
public static class EdnPrinter
{
    /// <summary>Prints a value to text.</summary>
    public static string Print(EdnValue value, int maxDepth = EdnReaderOptions.DefaultMaxDepth)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Print(value, buffer, maxDepth);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Prints a value as UTF-8.</summary>
    public static void Print(EdnValue value, IBufferWriter<byte> output, int maxDepth = EdnReaderOptions.DefaultMaxDepth)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        var writer = new Utf8Output(output);
        new EdnPrinterCore(strict: true, maxDepth).Write(ref writer, value, 0);
        writer.Flush();
    }

    /// <summary>For <see cref="EdnValue.ToString"/>: never throws, prints what it can.</summary>
    internal static string ToDisplayString(EdnValue value)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new Utf8Output(buffer);
        new EdnPrinterCore(strict: false, EdnReaderOptions.DefaultMaxDepth).Write(ref writer, value, 0);
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

internal readonly struct EdnPrinterCore(bool strict, int maxDepth)
{
    public void Write(ref Utf8Output w, EdnValue value, int depth)
    {
        switch (value)
        {
            case null or EdnNil:
                w.Write("nil"u8);
                break;
            case EdnBool b:
                w.Write(b.Value ? "true"u8 : "false"u8);
                break;
            case EdnLong l:
                w.WriteFormattable(l.Value);
                break;
            case EdnString s:
                WriteString(ref w, s.Value ?? string.Empty);
                break;
            case EdnKeyword k:
                WriteKeyword(ref w, k);
                break;
            case EdnVector v:
                WriteItems(ref w, v.Items, "["u8, "]"u8, depth);
                break;
            case EdnMap m:
                WriteMap(ref w, m, depth);
                break;
            case EdnSet set:
                WriteItems(ref w, set.Items, "#{"u8, "}"u8, depth);
                break;
            case EdnList list:
                WriteItems(ref w, list.Items, "("u8, ")"u8, depth);
                break;
            case EdnDouble d:
                w.WriteText(JavaDouble.ToString(d.Value));
                break;
            case EdnBigInt bi when EdnNumber.IsTooLong(bi.Value):
                Refuse(ref w, EdnNumber.TooManyDigitsFault);
                break;
            case EdnBigInt bi:
                w.WriteFormattable(bi.Value);
                w.Write((byte)'N');
                break;
            case EdnBigDecimal bd:
                WriteBigDecimal(ref w, bd);
                break;
            case EdnRatio r:
                WriteRatio(ref w, r);
                break;
            case EdnChar c:
                WriteChar(ref w, c.CodePoint);
                break;
            case EdnSymbol sym:
                WriteSymbol(ref w, sym);
                break;
            case EdnUuid u:
                w.Write("#uuid \""u8);
                w.WriteFormattable(u.Value, "D");
                w.Write((byte)'"');
                break;
            case EdnInst i:
                w.Write("#inst \""u8);
                w.WriteFormattable(i.Value.UtcDateTime, "yyyy-MM-dd'T'HH:mm:ss.fff");
                w.Write("-00:00\""u8);
                break;
            case EdnTagged t:
                WriteTagged(ref w, t, depth);
                break;
            default:
                Refuse(ref w, $"No EDN form for {value.GetType().Name}");
                break;
        }
    }

    private void WriteItems(ref Utf8Output w, System.Collections.Immutable.ImmutableArray<EdnValue> items, ReadOnlySpan<byte> open, ReadOnlySpan<byte> close, int depth)
    {
        if (!Descend(ref w, depth))
        {
            return;
        }

        w.Write(open);
        if (!items.IsDefault)
        {
            for (var i = 0; i < items.Length; i++)
            {
                if (i > 0)
                {
                    w.Write((byte)' ');
                }

                Write(ref w, items[i], depth + 1);
            }
        }

        w.Write(close);
    }

    private void WriteMap(ref Utf8Output w, EdnMap map, int depth)
    {
        if (!Descend(ref w, depth))
        {
            return;
        }

        w.Write((byte)'{');
        var first = true;
        foreach (var entry in map)
        {
            if (!first)
            {
                w.Write(", "u8);
            }

            first = false;
            Write(ref w, entry.Key, depth + 1);
            w.Write((byte)' ');
            Write(ref w, entry.Value, depth + 1);
        }

        w.Write((byte)'}');
    }

    private void WriteTagged(ref Utf8Output w, EdnTagged tagged, int depth)
    {
        if (!Descend(ref w, depth))
        {
            return;
        }

        var tag = tagged.Tag;
        if (strict && (tag is null || !IsPrintableTag(tag)))
        {
            throw new SentePackException($"Tag cannot be printed as EDN: {tag?.FullName}");
        }

        w.Write((byte)'#');
        w.WriteText(tag?.FullName ?? "?");
        w.Write((byte)' ');
        Write(ref w, tagged.Value ?? EdnNil.Instance, depth + 1);
    }

    /// <summary>Checks the nesting limit before opening level <paramref name="depth"/>+1; lenient mode prints "..." instead.</summary>
    private bool Descend(ref Utf8Output w, int depth)
    {
        if (depth < maxDepth && RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            return true;
        }

        Refuse(ref w, $"Value nested deeper than {maxDepth}");
        return false;
    }

    private void Refuse(ref Utf8Output w, string why)
    {
        if (strict)
        {
            throw new SentePackException(why);
        }

        w.Write("..."u8);
    }

    private static void WriteString(ref Utf8Output w, string s)
    {
        w.Write((byte)'"');
        var run = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            ReadOnlySpan<byte> escape = c switch
            {
                '"' => "\\\""u8,
                '\\' => "\\\\"u8,
                '\n' => "\\n"u8,
                '\t' => "\\t"u8,
                '\r' => "\\r"u8,
                '\f' => "\\f"u8,
                '\b' => "\\b"u8,
                _ => default,
            };
            var lone = false;
            if (escape.IsEmpty && char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    i++;
                    continue;
                }

                lone = true;
            }

            if (escape.IsEmpty && !lone)
            {
                continue;
            }

            w.WriteText(s.AsSpan(run, i - run));
            if (lone)
            {
                WriteUnicodeEscape(ref w, c);
            }
            else
            {
                w.Write(escape);
            }

            run = i + 1;
        }

        w.WriteText(s.AsSpan(run));
        w.Write((byte)'"');
    }

    private static void WriteUnicodeEscape(ref Utf8Output w, int unit)
    {
        w.Write("\\u"u8);
        w.WriteFormattable(unit, "X4");
    }

    private void WriteChar(ref Utf8Output w, int codePoint)
    {
        ReadOnlySpan<byte> named = codePoint switch
        {
            '\n' => "\\newline"u8,
            ' ' => "\\space"u8,
            '\t' => "\\tab"u8,
            '\b' => "\\backspace"u8,
            '\f' => "\\formfeed"u8,
            '\r' => "\\return"u8,
            _ => default,
        };
        if (!named.IsEmpty)
        {
            w.Write(named);
        }
        else if (codePoint is >= 0xD800 and <= 0xDFFF)
        {
            WriteUnicodeEscape(ref w, codePoint);
        }
        else if (System.Text.Rune.IsValid(codePoint))
        {
            w.Write((byte)'\\');
            w.WriteText(new System.Text.Rune(codePoint).ToString());
        }
        else
        {
            Refuse(ref w, $"Not a character: {codePoint}");
        }
    }

    private void WriteKeyword(ref Utf8Output w, EdnKeyword k)
    {
        if (strict && !IsPrintableKeyword(k))
        {
            throw new SentePackException($"Keyword cannot be printed as EDN: :{k.FullName}");
        }

        w.Write((byte)':');
        if (k.Namespace is not null)
        {
            w.WriteText(k.Namespace);
            w.Write((byte)'/');
        }

        w.WriteText(k.Name ?? string.Empty);
    }

    private void WriteSymbol(ref Utf8Output w, EdnSymbol s)
    {
        if (strict && !IsPrintableSymbol(s))
        {
            throw new SentePackException($"Symbol cannot be printed as EDN: {s.FullName}");
        }

        w.WriteText(s.FullName ?? string.Empty);
    }

    private void WriteBigDecimal(ref Utf8Output w, EdnBigDecimal bd)
    {
        if (EdnNumber.IsTooLong(bd.Text))
        {
            Refuse(ref w, EdnNumber.TooManyDigitsFault);
        }
        else if (BigDecimalText.TryCanonical(bd.Text, out var canonical))
        {
            w.WriteText(canonical);
            w.Write((byte)'M');
        }
        else
        {
            Refuse(ref w, $"Not a decimal: {bd.Text}");
        }
    }

    private void WriteRatio(ref Utf8Output w, EdnRatio r)
    {
        if (r.Denominator.IsZero)
        {
            Refuse(ref w, "A ratio's denominator is zero");
            return;
        }

        if (EdnNumber.IsTooLong(r.Numerator, r.Denominator))
        {
            Refuse(ref w, EdnNumber.TooManyDigitsFault);
            return;
        }

        // A ratio built by hand may not be in lowest terms; Clojure's never are.
        var reduced = EdnRatio.Create(r.Numerator, r.Denominator);
        if (reduced is EdnRatio ratio)
        {
            w.WriteFormattable(ratio.Numerator);
            w.Write((byte)'/');
            w.WriteFormattable(ratio.Denominator);
        }
        else
        {
            Write(ref w, reduced, 0);
        }
    }

    /// <summary>Reads back as the same keyword: see <see cref="EdnSyntax.IsTokenText"/>.</summary>
    internal static bool IsPrintableKeyword(EdnKeyword k) => k.Namespace is null
        ? EdnSyntax.IsTokenText(k.Name) && k.Name[0] != ':' && (k.Name == "/" || !k.Name.Contains('/'))
        : EdnSyntax.IsTokenText(k.Namespace) && k.Namespace[0] != ':' && !k.Namespace.Contains('/') && EdnSyntax.IsTokenText(k.Name);

    /// <summary>Reads back as the same tag: a printable symbol starting with a letter (any plane's).</summary>
    internal static bool IsPrintableTag(EdnSymbol tag) =>
        IsPrintableSymbol(tag) && System.Text.Rune.IsLetter(System.Text.Rune.GetRuneAt(tag.FullName, 0));

    /// <summary>Reads back as the same symbol: not a number, nil, true, false, keyword or dispatch.</summary>
    internal static bool IsPrintableSymbol(EdnSymbol s)
    {
        var first = s.Namespace ?? s.Name;
        if (!EdnSyntax.IsTokenText(first) || first[0] is ':' or '#' || EdnSyntax.LooksNumeric(first))
        {
            return false;
        }

        return s.Namespace is null
            ? s.Name is not ("nil" or "true" or "false") && (s.Name == "/" || !s.Name.Contains('/'))
            : !s.Namespace.Contains('/') && EdnSyntax.IsTokenText(s.Name);
    }
}
