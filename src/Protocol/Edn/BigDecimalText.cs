using System.Globalization;
using System.Text;

namespace Orleans.Sente.Protocol;

/// <summary>
/// The text of a decimal (<c>1.5M</c>) as Java's <c>BigDecimal.toString</c> writes it, which is
/// what Clojure prints: plain notation unless the scale is negative or the number is smaller
/// than 1E-6, then <c>1.5E+10</c>. Works on the digits alone, so no big arithmetic is done on
/// untrusted input.
/// </summary>
internal static class BigDecimalText
{
    /// <summary>A scale beyond Java's int range makes <c>new BigDecimal(..)</c> throw; refuse it too.</summary>
    private const long MaxScale = int.MaxValue;

    public static string FromDecimal(decimal value) =>
        TryCanonical(value.ToString(CultureInfo.InvariantCulture), out var text) ? text : throw new ArgumentException("Not a decimal", nameof(value));

    /// <summary>Parses <c>[+-]digits[.digits][(e|E)[+-]digits]</c> and gives Java's text for it.</summary>
    public static bool TryCanonical(ReadOnlySpan<char> text, out string canonical)
    {
        canonical = string.Empty;
        var i = 0;
        var negative = false;
        if (i < text.Length && (text[i] == '+' || text[i] == '-'))
        {
            negative = text[i] == '-';
            i++;
        }

        var digits = new StringBuilder(text.Length);
        var intStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            digits.Append(text[i++]);
        }

        if (i == intStart)
        {
            return false;
        }

        long fraction = 0;
        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                digits.Append(text[i++]);
                fraction++;
            }
        }

        long exponent = 0;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            var expNegative = false;
            if (i < text.Length && (text[i] == '+' || text[i] == '-'))
            {
                expNegative = text[i] == '-';
                i++;
            }

            var expStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                exponent = exponent * 10 + (text[i++] - '0');
                if (exponent > MaxScale)
                {
                    return false;
                }
            }

            if (i == expStart)
            {
                return false;
            }

            exponent = expNegative ? -exponent : exponent;
        }

        if (i != text.Length)
        {
            return false;
        }

        var scale = fraction - exponent;
        if (scale > MaxScale || scale < -MaxScale)
        {
            return false;
        }

        var coefficient = digits.ToString().TrimStart('0');
        if (coefficient.Length == 0)
        {
            coefficient = "0";
            negative = false;
        }

        canonical = Format(negative, coefficient, scale);
        return true;
    }

    private static string Format(bool negative, string coefficient, long scale)
    {
        var sb = new StringBuilder(coefficient.Length + 16);
        if (negative)
        {
            sb.Append('-');
        }

        var adjusted = -scale + (coefficient.Length - 1);
        if (scale >= 0 && adjusted >= -6)
        {
            if (scale == 0)
            {
                sb.Append(coefficient);
            }
            else if (coefficient.Length > scale)
            {
                var point = coefficient.Length - (int)scale;
                sb.Append(coefficient, 0, point).Append('.').Append(coefficient, point, coefficient.Length - point);
            }
            else
            {
                sb.Append("0.").Append('0', (int)(scale - coefficient.Length)).Append(coefficient);
            }
        }
        else
        {
            sb.Append(coefficient[0]);
            if (coefficient.Length > 1)
            {
                sb.Append('.').Append(coefficient, 1, coefficient.Length - 1);
            }

            sb.Append('E');
            if (adjusted >= 0)
            {
                sb.Append('+');
            }

            sb.Append(adjusted.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }
}
