using System.Text;
using System.Text.RegularExpressions;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>
/// Sente's captured transcripts (<c>tests/vectors/sente/</c>, copied into the repository). Frames
/// are taken out of the transcript lines with a regular expression and a two-escape unescape,
/// independently of the reader under test.
/// </summary>
internal static partial class Vectors
{
    private static readonly Lazy<string> Folder = new(FindFolder);

    /// <summary>A frame in a transcript: file, line number, kind (SEND, RECV, SERVER-SENDS, CLIENT-SENT), text.</summary>
    public sealed record Frame(string File, int Line, string Kind, string Text)
    {
        public override string ToString() => $"{File}:{Line} {Kind} {Text}";
    }

    public static string[] Lines(string file) => System.IO.File.ReadAllLines(Path.Combine(Folder.Value, file), Encoding.UTF8);

    public static IEnumerable<Frame> Frames(params string[] files)
    {
        foreach (var file in files)
        {
            var lines = Lines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var match = FrameLine().Match(lines[i]);
                if (match.Success)
                {
                    yield return new Frame(file, i + 1, match.Groups["kind"].Value, Unescape(match.Groups["frame"].Value));
                }
            }
        }
    }

    /// <summary>The frames the server wrote.</summary>
    public static IEnumerable<Frame> Sent() =>
        Frames("edn.txt", "timing.txt", "client.txt", "malformed.txt").Where(f => f.Kind is "SEND" or "SERVER-SENDS");

    /// <summary>The frames a client wrote.</summary>
    public static IEnumerable<Frame> Received() =>
        Frames("edn.txt", "timing.txt", "client.txt", "malformed.txt").Where(f => f.Kind is "RECV" or "CLIENT-SENT");

    private static string Unescape(string quoted)
    {
        var sb = new StringBuilder(quoted.Length);
        for (var i = 0; i < quoted.Length; i++)
        {
            if (quoted[i] == '\\' && i + 1 < quoted.Length)
            {
                i++;
            }

            sb.Append(quoted[i]);
        }

        return sb.ToString();
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Orleans.Sente.sln")))
            {
                var folder = Path.GetFullPath(Path.Combine(dir.FullName, "tests", "vectors", "sente"));
                return Directory.Exists(folder)
                    ? folder
                    : throw new InvalidOperationException($"Sente's test vectors are missing: expected them at {folder}");
            }
        }

        throw new InvalidOperationException($"No Orleans.Sente.sln above {AppContext.BaseDirectory}: cannot find the test vectors");
    }

    [GeneratedRegex("""^\[(?:\d+ )?:(?<kind>SEND|RECV|SERVER-SENDS|CLIENT-SENT) (?::\S+ )?"(?<frame>.*)"\]$""")]
    private static partial Regex FrameLine();
}
