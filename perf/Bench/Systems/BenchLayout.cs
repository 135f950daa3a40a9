using System.Reflection;

namespace Orleans.Sente.Bench.Systems;

/// <summary>Where the built executables are: each project's own output folder, same configuration as the harness.</summary>
internal sealed class BenchLayout(string repoRoot, string configuration)
{
    private const string TargetFramework = "net10.0";

    public string RepoRoot { get; } = repoRoot;

    /// <summary>The dotnet host that runs the built DLLs (<c>dotnet &lt;dll&gt;</c>).</summary>
    public string DotnetHost { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public static BenchLayout Discover()
    {
        var configuration = typeof(BenchLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BenchConfiguration")?.Value ?? "Release";
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Sente.sln")))
            {
                return new BenchLayout(dir.FullName, configuration);
            }
        }

        throw new InvalidOperationException("Orleans.Sente.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>e.g. <c>Dll("perf/LoadGen", "Orleans.Sente.Bench.LoadGen")</c>.</summary>
    public string Dll(string projectDir, string assemblyName)
    {
        var path = Path.Combine(RepoRoot, projectDir, "bin", configuration, TargetFramework, assemblyName + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is not built; build perf/Bench in {configuration} first.", path);
    }

    public string LoadGenDll => Dll("perf/LoadGen", "Orleans.Sente.Bench.LoadGen");
}
