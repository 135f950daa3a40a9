using System.Globalization;
using System.Text;

namespace Orleans.Sente.Protocol;

/// <summary>
/// A double as Clojure prints it: Java's <c>Double.toString</c> (the shortest digits that
/// read back to the same double, plain between 1E-3 and 1E7 with at least one fractional
/// digit, otherwise <c>d.dddE[-]n</c>), and <c>##NaN</c>, <c>##Inf</c>, <c>##-Inf</c>.
/// </summary>
internal static class JavaDouble
{
    public static string ToString(double value)
    {
        if (double.IsNaN(value))
        {
            return "##NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "##Inf" : "##-Inf";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0.0" : "0.0";
        }

        // "R" gives the shortest round-tripping digits, e.g. "1.5E-05" or "123.456". Java prints
        // at least two significant digits' worth of precision when only one is needed, choosing
        // the two-digit decimal closest to the value (Double.MIN_VALUE is 4.9E-324, not 5E-324).
        var magnitude = Math.Abs(value);
        var (digits, point) = Decompose(magnitude.ToString("R", CultureInfo.InvariantCulture));
        if (digits.Length == 1)
        {
            var two = magnitude.ToString("E1", CultureInfo.InvariantCulture);
            if (double.Parse(two, CultureInfo.InvariantCulture) == magnitude)
            {
                (digits, point) = Decompose(two);
            }
        }

        var sb = new StringBuilder(digits.Length + 8);
        if (value < 0)
        {
            sb.Append('-');
        }

        if (magnitude >= 1e-3 && magnitude < 1e7)
        {
            if (point <= 0)
            {
                sb.Append("0.").Append('0', -point).Append(digits);
            }
            else if (point >= digits.Length)
            {
                sb.Append(digits).Append('0', point - digits.Length).Append(".0");
            }
            else
            {
                sb.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
        }
        else
        {
            sb.Append(digits[0]).Append('.');
            sb.Append(digits.Length > 1 ? digits[1..] : "0");
            sb.Append('E').Append((point - 1).ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>Significant digits (no leading or trailing zeros) and where the decimal point falls in them.</summary>
    private static (string Digits, int Point) Decompose(string text)
    {
        var e = text.IndexOf('E');
        var exponent = e < 0 ? 0 : int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits[lead..].TrimEnd('0');
        return (digits.Length == 0 ? "0" : digits, point - lead);
    }
}
