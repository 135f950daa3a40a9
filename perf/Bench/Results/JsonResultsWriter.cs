using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Sente.Bench.Results;

/// <summary>results.json: the report as indented JSON (NaN written as a string).</summary>
internal static class JsonResultsWriter
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, Options);

    public static BenchReport? Deserialize(string json) => JsonSerializer.Deserialize<BenchReport>(json, Options);
}
