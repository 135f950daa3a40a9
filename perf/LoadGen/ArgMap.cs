using System.Globalization;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>Parses <c>--key value</c> pairs (and bare <c>--flag</c>s) of a child process.</summary>
internal sealed class ArgMap(Dictionary<string, string> values)
{
    public static ArgMap Parse(ReadOnlySpan<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            }

            var key = args[i][2..];
            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values[key] = hasValue ? args[++i] : "true";
        }

        return new ArgMap(values);
    }

    public string String(string key) =>
        values.TryGetValue(key, out var v) ? v : throw new ArgumentException($"Missing --{key}.");

    public string String(string key, string fallback) => values.GetValueOrDefault(key, fallback);

    public int Int(string key, int fallback) =>
        values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string key, double fallback) =>
        values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string key) => values.TryGetValue(key, out var v) && v == "true";
}
