namespace Orleans.Sente.Package.Tests;

/// <summary>Where the repository is, and the configuration these tests were built in.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The library projects, each a package.</summary>
    public static readonly string[] Libraries =
    [
        "src/Protocol/Protocol.csproj",
        "src/Grains.Abstractions/Grains.Abstractions.csproj",
        "src/Grains/Grains.csproj",
        "src/AspNetCore/AspNetCore.csproj",
        "src/Client/Client.csproj",
        "src/Hosting/Hosting.csproj",
    ];

    public static string Scratch(string name)
    {
        var path = Path.Combine(Path.GetTempPath(), "orleans-sente-package-tests", $"{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Sente.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Orleans.Sente.sln above {AppContext.BaseDirectory}.");
    }
}
