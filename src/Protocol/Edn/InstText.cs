using System.Globalization;

namespace Orleans.Sente.Protocol;

/// <summary>
/// The text of <c>#inst</c>, read as Clojure's <c>clojure.instant</c> reads it:
/// <c>yyyy[-MM[-dd[THH[:mm[:ss[.fraction]]]]]][Z|(+|-)HH:mm]</c>, each field range-checked
/// (a leap second only at minute 59), the fraction cut to milliseconds as java.util.Date keeps.
/// </summary>
internal static class InstText
{
    public static DateTimeOffset Parse(string text, int at)
    {
        var i = 0;
        var year = Field(text, ref i, 4, at);
        int month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0;
        if (Take(text, ref i, '-'))
        {
            month = Field(text, ref i, 2, at);
            if (Take(text, ref i, '-'))
            {
                day = Field(text, ref i, 2, at);
                if (Take(text, ref i, 'T'))
                {
                    hour = Field(text, ref i, 2, at);
                    if (Take(text, ref i, ':'))
                    {
                        minute = Field(text, ref i, 2, at);
                        if (Take(text, ref i, ':'))
                        {
                            second = Field(text, ref i, 2, at);
                            if (Take(text, ref i, '.'))
                            {
                                millis = Fraction(text, ref i, at);
                            }
                        }
                    }
                }
            }
        }

        var offsetMinutes = 0;
        if (!Take(text, ref i, 'Z') && i < text.Length && text[i] is '+' or '-')
        {
            var sign = text[i++] == '-' ? -1 : 1;
            var offsetHours = Field(text, ref i, 2, at);
            if (!Take(text, ref i, ':'))
            {
                throw Bad(text, at);
            }

            var offsetMins = Field(text, ref i, 2, at);
            if (offsetHours > 23 || offsetMins > 59)
            {
                throw Bad(text, at);
            }

            offsetMinutes = sign * ((offsetHours * 60) + offsetMins);
        }

        if (i != text.Length || month is < 1 or > 12 || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > (minute == 59 ? 60 : 59))
        {
            throw Bad(text, at);
        }

        try
        {
            var local = new DateTime(year, month, day, hour, minute, 0, DateTimeKind.Utc)
                .AddSeconds(second).AddMilliseconds(millis).AddMinutes(-offsetMinutes);
            return new DateTimeOffset(local, TimeSpan.Zero);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new SentePackException($"#inst out of range: {text}", at, e);
        }
    }

    private static bool Take(string text, ref int i, char c)
    {
        if (i < text.Length && text[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }

    private static int Field(string text, ref int i, int width, int at)
    {
        if (i + width > text.Length || text.AsSpan(i, width).ContainsAnyExceptInRange('0', '9'))
        {
            throw Bad(text, at);
        }

        var value = int.Parse(text.AsSpan(i, width), NumberStyles.None, CultureInfo.InvariantCulture);
        i += width;
        return value;
    }

    private static int Fraction(string text, ref int i, int at)
    {
        var start = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        if (i == start)
        {
            throw Bad(text, at);
        }

        var millis = 0;
        for (var k = 0; k < 3; k++)
        {
            millis = (millis * 10) + (start + k < i ? text[start + k] - '0' : 0);
        }

        return millis;
    }

    private static SentePackException Bad(string text, int at) =>
        new($"Unrecognized date/time syntax: {(text.Length > 40 ? text[..40] + "..." : text)}", at);
}
