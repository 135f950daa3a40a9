using System.Text;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Character classes shared by the reader and the printer, as Clojure's reader has them:
/// whitespace is Java's <c>Character.isWhitespace</c> plus the comma, and a token runs until
/// whitespace or a terminating macro character.
/// </summary>
internal static class EdnSyntax
{
    private const string Terminators = "\";@^`~()[]{}\\";

    public static bool IsWhitespace(int codePoint) => codePoint switch
    {
        ' ' or '\t' or '\n' or '\r' or '\f' or '\v' or ',' => true,
        >= 0x1C and <= 0x1F => true,
        < 0x80 => false,
        0x00A0 or 0x2007 or 0x202F => false,
        _ => Rune.IsValid(codePoint) && Rune.GetUnicodeCategory(new Rune(codePoint)) is
            System.Globalization.UnicodeCategory.SpaceSeparator or
            System.Globalization.UnicodeCategory.LineSeparator or
            System.Globalization.UnicodeCategory.ParagraphSeparator,
    };

    public static bool IsTerminator(int codePoint) => codePoint < 0x80 && Terminators.Contains((char)codePoint);

    /// <summary>True for a character that may stand inside a symbol or keyword token.</summary>
    public static bool IsConstituent(int codePoint) => !IsWhitespace(codePoint) && !IsTerminator(codePoint);

    /// <summary>
    /// True when <paramref name="part"/> can be printed as a keyword's or symbol's namespace or
    /// name and read back unchanged: non-empty, well-formed UTF-16, token characters only.
    /// </summary>
    public static bool IsTokenText(string? part)
    {
        if (string.IsNullOrEmpty(part))
        {
            return false;
        }

        foreach (var status in part.EnumerateRunes())
        {
            if (!IsConstituent(status.Value))
            {
                return false;
            }
        }

        return !HasLoneSurrogate(part);
    }

    public static bool HasLoneSurrogate(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a token with this start would be read as a number.</summary>
    public static bool LooksNumeric(string token) =>
        token.Length > 0 && (char.IsAsciiDigit(token[0]) ||
            (token.Length > 1 && (token[0] is '+' or '-' or '.') && char.IsAsciiDigit(token[1])));
}
