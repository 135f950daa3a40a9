using System.Text.RegularExpressions;

namespace Orleans.Sente.Tests;

/// <summary>
/// The README's "Bad input" table promises a test for every row: each name in its test column
/// must be a test class (and method) that exists in <c>tests/</c>.
/// </summary>
public sealed partial class BadInputTableTests
{
    [Fact]
    public void Every_row_of_the_readme_bad_input_table_names_tests_that_exist()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var section = readme[readme.IndexOf("## Bad input", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var rows = section.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| what ", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count >= 20, $"the table has {rows.Count} rows");

        var sources = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        foreach (var row in rows)
        {
            var cells = row.Split(" | ");
            var names = Name().Matches(cells[^1]).Select(m => m.Groups[1].Value).ToList();
            Assert.True(names.Count > 0, $"no test named in: {row}");
            foreach (var name in names)
            {
                var (type, method) = name.Split('.') is [var t, var m] ? (t, m) : (name, null);
                var files = sources.Where(s => Regex.IsMatch(s, $@"\bclass {Regex.Escape(type)}\b")).ToList();
                Assert.True(files.Count > 0, $"no test class {type} (row: {cells[0]})");
                Assert.True(method is null || files.Any(s => s.Contains($" {method}(", StringComparison.Ordinal)), $"no test {name} (row: {cells[0]})");
            }
        }
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Sente.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.Sente.sln above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex("`([A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?)`")]
    private static partial Regex Name();
}
