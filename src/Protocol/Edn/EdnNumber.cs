using System.Globalization;
using System.Numerics;

namespace Orleans.Sente.Protocol;

/// <summary>
/// Number tokens as Clojure's EDN reader reads them: integers (<c>42</c>, <c>-7</c>, <c>10N</c>,
/// <c>0x1F</c>, octal <c>017</c>, radix <c>2r101</c>; too big for a long becomes a big integer),
/// ratios (<c>1/3</c>, reduced), doubles (<c>1.5</c>, <c>1e10</c>, <c>1.</c>) and decimals
/// (<c>1.5M</c>). No number has more than <see cref="SenteLimits.MaxNumberDigits"/> digits:
/// an integer is measured by its value (<c>0xFF..</c> prints longer than it reads), a ratio by its
/// two parts together, a decimal or double by its mantissa.
/// </summary>
internal static class EdnNumber
{
    /// <summary>10^<see cref="SenteLimits.MaxNumberDigits"/>: the smallest magnitude with too many digits.</summary>
    private static readonly BigInteger TooManyDigits = BigInteger.Pow(10, SenteLimits.MaxNumberDigits);

    /// <summary>The message every reader gives for a number with too many digits.</summary>
    public static string TooManyDigitsFault { get; } = $"Number with more than {SenteLimits.MaxNumberDigits} digits";

    /// <summary>The message every reader gives for a number token that is too long.</summary>
    public static string TooLongFault(int length) => $"Number longer than {length} characters";

    /// <summary>True when the magnitude of <paramref name="value"/> has more decimal digits than allowed.</summary>
    public static bool HasTooManyDigits(BigInteger value) => BigInteger.Abs(value) >= TooManyDigits;

    /// <summary>
    /// The significant digits of <c>[+-]digits[.digits]</c> before any exponent. Leading zeros are
    /// not counted: the token's length bounds them, and a decimal read with few of them may print
    /// with more (<c>15E-4M</c> prints as <c>0.0015M</c>), which must read back.
    /// </summary>
    public static int MantissaDigits(ReadOnlySpan<char> text)
    {
        var e = text.IndexOfAny('e', 'E');
        var mantissa = e < 0 ? text : text[..e];
        var digits = 0;
        foreach (var c in mantissa)
        {
            if (char.IsAsciiDigit(c) && (digits > 0 || c != '0'))
            {
                digits++;
            }
        }

        return digits;
    }

    /// <summary>log10(2): the decimal digits one bit is worth.</summary>
    private const double DigitsPerBit = 0.301029995663981195;

    /// <summary>
    /// True when an integer has more decimal digits than any reader accepts. Decided by its bit
    /// length, before anything is printed (printing a big integer costs more than linear time in its
    /// length, and an application may build one of any size); only an integer within a digit of the
    /// limit is compared exactly.
    /// </summary>
    public static bool IsTooLong(BigInteger value)
    {
        var (fewest, most) = DigitBounds(value);
        return fewest > SenteLimits.MaxNumberDigits || (most > SenteLimits.MaxNumberDigits && HasTooManyDigits(value));
    }

    /// <summary>True when a ratio's numerator and denominator together have more decimal digits than any reader accepts; decided as <see cref="IsTooLong(BigInteger)"/> is.</summary>
    public static bool IsTooLong(BigInteger numerator, BigInteger denominator)
    {
        var (fewestN, mostN) = DigitBounds(numerator);
        var (fewestD, mostD) = DigitBounds(denominator);
        if (fewestN + fewestD > SenteLimits.MaxNumberDigits)
        {
            return true;
        }

        return mostN + mostD > SenteLimits.MaxNumberDigits
            && Digits(numerator) + Digits(denominator) > SenteLimits.MaxNumberDigits;
    }

    /// <summary>True when a decimal's text has more significant digits than any reader accepts.</summary>
    public static bool IsTooLong(string? decimalText) => MantissaDigits(decimalText) > SenteLimits.MaxNumberDigits;

    /// <summary>
    /// The fewest and the most decimal digits of the magnitude of an integer of this bit length,
    /// with a margin for the rounding of the product. The magnitude of a negative integer may take
    /// one bit more than <see cref="BigInteger.GetBitLength"/> counts (that of <c>-2^k</c> is <c>k</c>).
    /// </summary>
    private static (long Fewest, long Most) DigitBounds(BigInteger value)
    {
        if (value.IsZero)
        {
            return (1, 1);
        }

        var bits = value.GetBitLength();
        var highest = value.Sign < 0 ? bits + 1 : bits;

        // The magnitude lies in [2^(bits-1), 2^highest).
        return ((long)Math.Floor(((bits - 1) * DigitsPerBit) - 1e-6) + 1, (long)Math.Floor((highest * DigitsPerBit) + 1e-6) + 1);
    }

    /// <summary>The decimal digits of an integer's magnitude, printed: only for one near the limit.</summary>
    private static int Digits(BigInteger value) => BigInteger.Abs(value).ToString(CultureInfo.InvariantCulture).Length;

    public static bool TryParse(string token, out EdnValue value, out string? fault)
    {
        value = EdnNil.Instance;
        fault = null;
        var negative = token[0] == '-';
        var body = token[0] is '+' or '-' ? token.AsSpan(1) : token.AsSpan();
        if (body.IsEmpty || !char.IsAsciiDigit(body[0]))
        {
            return false;
        }

        var slash = body.IndexOf('/');
        if (slash >= 0)
        {
            return TryRatio(body[..slash], body[(slash + 1)..], negative, out value, out fault);
        }

        var isHex = body.Length > 1 && body[0] == '0' && body[1] is 'x' or 'X';
        if (!isHex && (body.IndexOfAny('.', 'e', 'E') >= 0 || body[^1] == 'M'))
        {
            return TryFloat(token, out value, out fault);
        }

        var bigSuffix = body[^1] == 'N';
        if (bigSuffix)
        {
            body = body[..^1];
        }

        if (!TryInteger(body, out var magnitude))
        {
            return false;
        }

        if (HasTooManyDigits(magnitude))
        {
            fault = TooManyDigitsFault;
            return false;
        }

        var integer = negative ? -magnitude : magnitude;
        value = !bigSuffix && integer >= long.MinValue && integer <= long.MaxValue
            ? new EdnLong((long)integer)
            : new EdnBigInt(integer);
        return true;
    }

    private static bool TryInteger(ReadOnlySpan<char> body, out BigInteger magnitude)
    {
        magnitude = BigInteger.Zero;
        if (body.IsEmpty)
        {
            return false;
        }

        if (body.Length > 2 && body[0] == '0' && body[1] is 'x' or 'X')
        {
            return TryRadix(body[2..], 16, out magnitude);
        }

        if (body[0] == '0')
        {
            return body.Length == 1 || TryRadix(body[1..], 8, out magnitude);
        }

        var r = body.IndexOfAny('r', 'R');
        if (r is 1 or 2)
        {
            if (body[..r].ContainsAnyExceptInRange('0', '9'))
            {
                return false;
            }

            var radix = int.Parse(body[..r], CultureInfo.InvariantCulture);
            return radix is >= 2 and <= 36 && TryRadix(body[(r + 1)..], radix, out magnitude);
        }

        if (body.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        if (body.Length <= 18)
        {
            magnitude = long.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture);
            return true;
        }

        magnitude = BigInteger.Parse(body, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    private static bool TryRadix(ReadOnlySpan<char> digits, int radix, out BigInteger magnitude)
    {
        magnitude = BigInteger.Zero;
        if (digits.IsEmpty)
        {
            return false;
        }

        foreach (var c in digits)
        {
            var d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => 99,
            };
            if (d >= radix)
            {
                return false;
            }

            magnitude = (magnitude * radix) + d;
        }

        return true;
    }

    private static bool TryRatio(ReadOnlySpan<char> numerator, ReadOnlySpan<char> denominator, bool negative, out EdnValue value, out string? fault)
    {
        value = EdnNil.Instance;
        fault = null;
        if (numerator.IsEmpty || denominator.IsEmpty || numerator.ContainsAnyExceptInRange('0', '9') || denominator.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        if (numerator.Length + denominator.Length > SenteLimits.MaxNumberDigits)
        {
            fault = TooManyDigitsFault;
            return false;
        }

        var n = BigInteger.Parse(numerator, NumberStyles.None, CultureInfo.InvariantCulture);
        var d = BigInteger.Parse(denominator, NumberStyles.None, CultureInfo.InvariantCulture);
        if (d.IsZero)
        {
            fault = "Divide by zero";
            return false;
        }

        value = EdnRatio.Create(negative ? -n : n, d);
        return true;
    }

    private static bool TryFloat(string token, out EdnValue value, out string? fault)
    {
        value = EdnNil.Instance;
        fault = null;
        var isDecimal = token[^1] == 'M';
        var text = isDecimal ? token.AsSpan(0, token.Length - 1) : token.AsSpan();
        if (!IsFloatSyntax(text))
        {
            return false;
        }

        if (MantissaDigits(text) > SenteLimits.MaxNumberDigits)
        {
            fault = TooManyDigitsFault;
            return false;
        }

        if (isDecimal)
        {
            if (!BigDecimalText.TryCanonical(text, out var canonical))
            {
                return false;
            }

            value = new EdnBigDecimal(canonical);
            return true;
        }

        value = new EdnDouble(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary><c>[+-]?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?</c></summary>
    private static bool IsFloatSyntax(ReadOnlySpan<char> s)
    {
        var i = s.Length > 0 && s[0] is '+' or '-' ? 1 : 0;
        var digits = i;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (i == digits)
        {
            return false;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            i++;
            if (i < s.Length && s[i] is '+' or '-')
            {
                i++;
            }

            var exponent = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == exponent)
            {
                return false;
            }
        }

        return i == s.Length;
    }
}
