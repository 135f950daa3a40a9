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

        // "R" gives the shortest round-tripping digits, e.g. "1.5E-05" or "123.456".
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = shortest.IndexOf('E');
        var exponent = e < 0 ? 0 : int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? shortest : shortest[..e];
        var dot = mantissa.IndexOf('.');
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits[lead..].TrimEnd('0');
        point -= lead;
        if (digits.Length == 0)
        {
            digits = "0";
        }

        var sb = new StringBuilder(digits.Length + 8);
        if (value < 0)
        {
            sb.Append('-');
        }

        var magnitude = Math.Abs(value);
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
}
