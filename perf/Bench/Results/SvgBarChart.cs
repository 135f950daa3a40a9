using System.Globalization;
using System.Security;
using System.Text;

namespace Orleans.Sente.Bench.Results;

/// <summary>One named series of a grouped bar chart; NaN values draw no bar.</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<double> Values);

/// <summary>A grouped bar chart as a self-contained SVG: categories along x, one bar per series, value labels.</summary>
internal static class SvgBarChart
{
    private const int Width = 900;
    private const int BaseHeight = 420;
    private const int RotatedLabelRoom = 110;
    private const int RotateAbove = 6;
    private const int Left = 80;
    private const int Right = 20;
    private const int Top = 50;
    private const int BaseBottom = 90;
    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1"];

    public static string Render(string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series)
    {
        var max = series.SelectMany(s => s.Values).Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max();
        var top = NiceCeiling(max <= 0 ? 1 : max);
        // Many categories: labels are turned so they do not overlap.
        var rotate = categories.Count > RotateAbove;
        var height = BaseHeight + (rotate ? RotatedLabelRoom : 0);
        var bottom = BaseBottom + (rotate ? RotatedLabelRoom : 0);
        var plotWidth = Width - Left - Right;
        var plotHeight = height - Top - bottom;
        var svg = new StringBuilder();
        void Line(FormattableString s) => svg.AppendLine(s.ToString(CultureInfo.InvariantCulture));

        Line($"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" viewBox="0 0 {Width} {height}" font-family="sans-serif" font-size="12">""");
        Line($"""<rect width="{Width}" height="{height}" fill="white"/>""");
        Line($"""<text x="{Width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">{Escape(title)}</text>""");
        Line($"""<text transform="translate(18,{Top + plotHeight / 2}) rotate(-90)" text-anchor="middle">{Escape(yLabel)}</text>""");
        for (var i = 0; i <= 5; i++)
        {
            var value = top * i / 5;
            var y = Top + plotHeight - plotHeight * i / 5.0;
            Line($"""<line x1="{Left}" y1="{y:0.#}" x2="{Width - Right}" y2="{y:0.#}" stroke="#ddd"/>""");
            Line($"""<text x="{Left - 6}" y="{y + 4:0.#}" text-anchor="end">{Format(value)}</text>""");
        }

        var groupWidth = plotWidth / (double)Math.Max(1, categories.Count);
        var barWidth = groupWidth * 0.8 / Math.Max(1, series.Count);
        for (var c = 0; c < categories.Count; c++)
        {
            var groupX = Left + c * groupWidth + groupWidth * 0.1;
            for (var s = 0; s < series.Count; s++)
            {
                var value = c < series[s].Values.Count ? series[s].Values[c] : double.NaN;
                if (double.IsNaN(value))
                {
                    continue;
                }

                var h = plotHeight * Math.Max(0, value) / top;
                var x = groupX + s * barWidth;
                var y = Top + plotHeight - h;
                Line($"""<rect x="{x:0.#}" y="{y:0.#}" width="{barWidth - 2:0.#}" height="{h:0.#}" fill="{Palette[s % Palette.Length]}"/>""");
                Line($"""<text x="{x + barWidth / 2 - 1:0.#}" y="{y - 4:0.#}" text-anchor="middle" font-size="10">{Format(value)}</text>""");
            }

            var labelX = Left + c * groupWidth + groupWidth / 2;
            if (rotate)
            {
                Line($"""<text transform="translate({labelX:0.#},{Top + plotHeight + 14}) rotate(-35)" text-anchor="end">{Escape(categories[c])}</text>""");
            }
            else
            {
                Line($"""<text x="{labelX:0.#}" y="{Top + plotHeight + 18}" text-anchor="middle">{Escape(categories[c])}</text>""");
            }
        }

        Line($"""<line x1="{Left}" y1="{Top + plotHeight}" x2="{Width - Right}" y2="{Top + plotHeight}" stroke="#333"/>""");
        var legendX = (double)Left;
        for (var s = 0; s < series.Count; s++)
        {
            Line($"""<rect x="{legendX:0.#}" y="{height - 30}" width="12" height="12" fill="{Palette[s % Palette.Length]}"/>""");
            Line($"""<text x="{legendX + 16:0.#}" y="{height - 20}">{Escape(series[s].Name)}</text>""");
            legendX += 30 + series[s].Name.Length * 7;
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    /// <summary>1, 2, 2.5 or 5 times a power of ten, at or above <paramref name="value"/>.</summary>
    public static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Format(double value) => value switch
    {
        >= 10_000 => (value / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
