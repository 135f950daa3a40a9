namespace Orleans.Sente.Protocol.Tests;

/// <summary>
/// The Transit and MessagePack transcripts (<c>transit.txt</c>, <c>msgpack.txt</c>): each frame as
/// EDN and as Sente 1.22.0-RC1 packed it. Taken apart by line shape, independently of the packers.
/// </summary>
internal static class PackerVectors
{
    /// <summary>One captured frame: its EDN text and the bytes Sente's packer made of it.</summary>
    public sealed record Pair(string File, int Line, string Edn, byte[] Packed)
    {
        public override string ToString() => $"{File}:{Line} {Edn}";
    }

    private const string TransitPrefix = "  transit-json: ";
    private const string HexPrefix = "  msgpack hex: ";

    public static IReadOnlyList<Pair> Transit()
    {
        var lines = Vectors.Lines("transit.txt");
        var pairs = new List<Pair>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(TransitPrefix, StringComparison.Ordinal))
            {
                var edn = lines[i - 1][lines[i - 1].IndexOf('[')..];
                pairs.Add(new("transit.txt", i + 1, edn, System.Text.Encoding.UTF8.GetBytes(lines[i][TransitPrefix.Length..])));
            }
        }

        return pairs;
    }

    /// <summary>The last line: the handshake as a verbose Transit writer writes it (maps as JSON objects).</summary>
    public static string TransitVerboseHandshake() =>
        Vectors.Lines("transit.txt").Single(l => l.StartsWith("verbose handshake: ", StringComparison.Ordinal))["verbose handshake: ".Length..];

    public static IReadOnlyList<Pair> Msgpack()
    {
        var lines = Vectors.Lines("msgpack.txt");
        var pairs = new List<Pair>();
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(HexPrefix, StringComparison.Ordinal))
            {
                pairs.Add(new("msgpack.txt", i + 1, lines[i - 1], Convert.FromHexString(lines[i][HexPrefix.Length..])));
            }
        }

        return pairs;
    }

    /// <summary>The last lines: Sente's gzip wrapper around EDN (a packer this server does not offer).</summary>
    public static (byte[] Packed, string Edn) GzipEdn()
    {
        var lines = Vectors.Lines("msgpack.txt");
        var at = Array.FindIndex(lines, l => l.StartsWith("gzip+edn", StringComparison.Ordinal));
        return (Convert.FromHexString(lines[at][(lines[at].LastIndexOf(' ') + 1)..]), lines[at + 1]["  unpacks to: ".Length..]);
    }
}
