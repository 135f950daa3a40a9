using System.Buffers;
using System.Globalization;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Writes values as transit-json, as transit-clj (under Sente's Transit packer) writes them:
/// keywords <c>"~:ns/name"</c>, symbols <c>"~$s"</c>, chars <c>"~cx"</c>, uuids <c>"~u…"</c>, instants
/// <c>"~m&lt;ms&gt;"</c>, big integers <c>"~n…"</c>, decimals <c>"~f…"</c>, integers beyond ±(2^53-1)
/// <c>"~i…"</c>, NaN and infinities <c>"~zNaN"</c>/<c>"~zINF"</c>/<c>"~z-INF"</c>; maps with scalar keys
/// <c>["^ ",k,v,…]</c> (keys as strings: <c>"~i1"</c>, <c>"~?t"</c>, <c>"~_"</c>), others
/// <c>["~#cmap",[k,v,…]]</c>; sets <c>["~#set",[…]]</c>, lists <c>["~#list",[…]]</c>, ratios
/// <c>["~#ratio",["~n1","~n3"]]</c>, a kept tag <c>["~#tag",v]</c>; strings starting with <c>~ ^ `</c>
/// get a leading <c>~</c>. Repeated keys and keywords go through the write cache.
/// </summary>
internal ref struct TransitWriter(IBufferWriter<byte> output)
{
    /// <summary>Integers JSON numbers carry exactly in JavaScript; others are written as <c>"~i…"</c>.</summary>
    public const long JsonIntMax = (1L << 53) - 1;

    /// <summary>The tags of Transit's own composite values, which the reader decodes.</summary>
    internal static readonly HashSet<string> TransitTags = ["'", "set", "list", "cmap", "ratio", "u"];

    private Utf8Output _out = new(output);
    private readonly TransitCache.Writing _cache = new();

    /// <summary>A top-level scalar is quoted (<c>["~#'",x]</c>), as transit requires of a whole document.</summary>
    public void WriteDocument(EdnValue? value)
    {
        if (value is EdnSequence or EdnSet or EdnMap or EdnTagged)
        {
            Write(value, 0);
        }
        else
        {
            _out.Write((byte)'[');
            WriteEncoded("~#'", false);
            _out.Write((byte)',');
            Write(value, 0);
            _out.Write((byte)']');
        }

        _out.Flush();
    }

    private void Write(EdnValue? value, int depth)
    {
        switch (value)
        {
            case null or EdnNil:
                _out.Write("null"u8);
                break;
            case EdnBool b:
                _out.Write(b.Value ? "true"u8 : "false"u8);
                break;
            case EdnLong l when l.Value is >= -JsonIntMax and <= JsonIntMax:
                _out.WriteFormattable(l.Value);
                break;
            case EdnDouble d when double.IsFinite(d.Value):
                _out.WriteText(JavaDouble.ToString(d.Value));
                break;
            case EdnTagged t when t.Tag is not null && TransitTags.Contains(t.Tag.FullName):
                // A kept tag Transit defines itself would read back as Transit's value: its value
                // goes alone, as the JSON packer writes every tag.
                Descend(depth);
                Write(t.Value, depth + 1);
                break;
            case EdnTagged t:
                Descend(depth);
                WriteTagged(t.Tag is not null && EdnPrinterCore.IsPrintableTag(t.Tag) ? t.Tag.FullName : throw new SentePackException($"A tag EDN cannot print: {t.Tag?.FullName}"));
                Write(t.Value, depth + 1);
                _out.Write((byte)']');
                break;
            case EdnVector or EdnList:
                Descend(depth);
                var seq = (EdnSequence)value;
                if (value is EdnList)
                {
                    WriteTagged("list");
                }

                WriteArray(seq, depth);
                if (value is EdnList)
                {
                    _out.Write((byte)']');
                }

                break;
            case EdnSet set:
                Descend(depth);
                WriteTagged("set");
                WriteArray(set, depth);
                _out.Write((byte)']');
                break;
            case EdnMap map:
                Descend(depth);
                WriteMap(map, depth);
                break;
            case EdnRatio r when EdnNumber.IsTooLong(r.Numerator, r.Denominator):
                throw new SentePackException(EdnNumber.TooManyDigitsFault);
            case EdnRatio r:
                // A ratio is a scalar in the value model: its tag adds no level, as in EDN.
                WriteTagged("ratio");
                _out.Write((byte)'[');
                WriteEncoded("~n" + r.Numerator.ToString(CultureInfo.InvariantCulture), false);
                _out.Write((byte)',');
                WriteEncoded("~n" + r.Denominator.ToString(CultureInfo.InvariantCulture), false);
                _out.Write("]]"u8);
                break;
            default:
                WriteEncoded(ScalarText(value, asMapKey: false), false);
                break;
        }
    }

    private void WriteArray(IEnumerable<EdnValue> items, int depth)
    {
        _out.Write((byte)'[');
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                _out.Write((byte)',');
            }

            first = false;
            Write(item, depth + 1);
        }

        _out.Write((byte)']');
    }

    private void WriteMap(EdnMap map, int depth)
    {
        var stringable = true;
        foreach (var entry in map)
        {
            stringable &= IsStringableKey(entry.Key);
        }

        if (!stringable)
        {
            WriteTagged("cmap");
            _out.Write((byte)'[');
        }
        else
        {
            _out.Write("[\"^ \""u8);
        }

        var first = !stringable;
        foreach (var entry in map)
        {
            if (!first)
            {
                _out.Write((byte)',');
            }

            first = false;
            if (stringable)
            {
                WriteEncoded(ScalarText(entry.Key, asMapKey: true), true);
            }
            else
            {
                Write(entry.Key, depth + 1);
            }

            _out.Write((byte)',');
            Write(entry.Value, depth + 1);
        }

        _out.Write(stringable ? "]"u8 : "]]"u8);
    }

    /// <summary>Opens <c>["~#tag",</c>; the caller writes the value and the closing bracket.</summary>
    private void WriteTagged(string tag)
    {
        _out.Write((byte)'[');
        WriteEncoded("~#" + tag, false);
        _out.Write((byte)',');
    }

    /// <summary>Keys transit writes as strings in a <c>["^ ",…]</c> map: those with a one-letter tag.</summary>
    private static bool IsStringableKey(EdnValue? key) =>
        key is null or EdnNil or EdnBool or EdnLong or EdnBigInt or EdnDouble or EdnBigDecimal or EdnString
            or EdnKeyword or EdnSymbol or EdnChar or EdnUuid or EdnInst;

    /// <summary>The string a scalar is written as (a map key, or a value with no JSON form of its own).</summary>
    private static string ScalarText(EdnValue? value, bool asMapKey) => value switch
    {
        null or EdnNil => "~_",
        EdnBool b => b.Value ? "~?t" : "~?f",
        EdnLong l => "~i" + l.Value.ToString(CultureInfo.InvariantCulture),
        EdnBigInt bi when EdnNumber.IsTooLong(bi.Value) => throw new SentePackException(EdnNumber.TooManyDigitsFault),
        EdnBigInt bi => "~n" + bi.Value.ToString(CultureInfo.InvariantCulture),
        EdnDouble d => double.IsNaN(d.Value) ? "~zNaN"
            : double.IsPositiveInfinity(d.Value) ? "~zINF"
            : double.IsNegativeInfinity(d.Value) ? "~z-INF"
            : "~d" + JavaDouble.ToString(d.Value),
        EdnBigDecimal bd when EdnNumber.IsTooLong(bd.Text) => throw new SentePackException(EdnNumber.TooManyDigitsFault),
        EdnBigDecimal bd => "~f" + (BigDecimalText.TryCanonical(bd.Text, out var text) ? text : throw new SentePackException($"Not a decimal: {bd.Text}")),
        EdnString s => Escape(JsonPacker.WellFormed(s.Value)),
        EdnKeyword k => "~:" + (EdnPrinterCore.IsPrintableKeyword(k) ? k.FullName : throw new SentePackException($"A keyword EDN cannot print: {k.Namespace}/{k.Name}")),
        EdnSymbol sym => "~$" + (EdnPrinterCore.IsPrintableSymbol(sym) ? sym.FullName : throw new SentePackException($"A symbol EDN cannot print: {sym.Namespace}/{sym.Name}")),
        EdnChar c => "~c" + CharText(c.CodePoint),
        EdnUuid u => "~u" + u.Value.ToString("D"),
        EdnInst i => "~m" + i.Value.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        _ => throw new SentePackException($"No Transit form for {value.GetType().Name}" + (asMapKey ? " as a map key" : "")),
    };

    private static string Escape(string s) => s.Length > 0 && s[0] is '~' or '^' or '`' ? "~" + s : s;

    private static string CharText(int codePoint) => codePoint switch
    {
        >= 0xD800 and <= 0xDFFF => "\uFFFD",
        >= 0 and <= 0x10FFFF => char.ConvertFromUtf32(codePoint),
        _ => throw new SentePackException($"Not a character: {codePoint}"),
    };

    private static void Descend(int depth)
    {
        if (depth >= SenteLimits.MaxDepth)
        {
            throw new SentePackException($"Value nested deeper than {SenteLimits.MaxDepth}");
        }
    }

    private void WriteEncoded(string s, bool asMapKey) => WriteJsonString(ref _out, _cache.Use(s, asMapKey) ?? s);

    /// <summary>A JSON string as Jackson writes it: <c>"</c> and <c>\</c> escaped, control characters as <c>\n</c> or <c>\u00XX</c> (upper-case hex, as Jackson), the rest raw UTF-8.</summary>
    internal static void WriteJsonString(ref Utf8Output output, string s)
    {
        output.Write((byte)'"');
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c >= 0x20 && c != '"' && c != '\\')
            {
                continue;
            }

            output.WriteText(s.AsSpan(start, i - start));
            start = i + 1;
            switch (c)
            {
                case '"': output.Write("\\\""u8); break;
                case '\\': output.Write("\\\\"u8); break;
                case '\n': output.Write("\\n"u8); break;
                case '\t': output.Write("\\t"u8); break;
                case '\r': output.Write("\\r"u8); break;
                case '\f': output.Write("\\f"u8); break;
                case '\b': output.Write("\\b"u8); break;
                default:
                    output.Write("\\u00"u8);
                    output.Write((byte)"0123456789ABCDEF"[c >> 4]);
                    output.Write((byte)"0123456789ABCDEF"[c & 0xF]);
                    break;
            }
        }

        output.WriteText(s.AsSpan(start));
        output.Write((byte)'"');
    }
}
