using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Orleans.Configuration;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// The files of the Azure deployment (the apps' Dockerfiles, deploy/, docs/deployment.md) against
/// the code. Docker and a cluster are not at hand here, so these read the files: every path a
/// Dockerfile copies exists and covers what the app's projects need, and every setting the
/// manifests give is one the processes read.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    public static TheoryData<string> Apps => new() { "Silo", "WebFrontend" };

    [Theory]
    [MemberData(nameof(Apps))]
    public void Every_path_a_Dockerfile_copies_exists(string app)
    {
        foreach (var source in Copies(app).SelectMany(c => c.Sources))
        {
            Assert.True(
                File.Exists(Path.Combine(Repo.Root, source)) || Directory.Exists(Path.Combine(Repo.Root, source)),
                $"src/{app}/Dockerfile copies '{source}', which is not in the repository.");
        }
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void A_Dockerfile_copies_every_project_file_before_restoring_and_everything_the_projects_include(string app)
    {
        var lines = Instructions(app);
        var restore = lines.FindIndex(l => l.StartsWith("RUN dotnet restore", StringComparison.Ordinal));
        Assert.True(restore >= 0, $"src/{app}/Dockerfile has no restore step.");
        var beforeRestore = Copies(app).Where(c => c.Index < restore).SelectMany(c => c.Sources).ToHashSet();
        var copied = Copies(app).SelectMany(c => c.Sources).ToList();

        foreach (var project in ProjectClosure($"src/{app}/{app}.csproj"))
        {
            Assert.Contains(project, beforeRestore);
            foreach (var outside in IncludesOutsideSrc(project))
            {
                Assert.True(
                    copied.Any(c => outside == c || outside.StartsWith(c.TrimEnd('/') + "/", StringComparison.Ordinal)),
                    $"{project} includes '{outside}', which src/{app}/Dockerfile does not copy.");
            }
        }

        Assert.Contains("Directory.Build.props", beforeRestore);
        Assert.Contains("Directory.Packages.props", beforeRestore);
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void A_Dockerfile_publishes_its_app_and_runs_its_assembly(string app)
    {
        var lines = Instructions(app);
        var project = $"src/{app}/{app}.csproj";
        Assert.Contains($"RUN dotnet restore {project}", lines);
        Assert.Contains(lines, l => l.StartsWith($"RUN dotnet publish {project} ", StringComparison.Ordinal));

        var assemblyName = XDocument.Load(Path.Combine(Repo.Root, project)).Descendants("AssemblyName").Single().Value;
        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{assemblyName}.dll\"]", lines);
    }

    [Fact]
    public void The_silo_image_exposes_its_http_silo_and_gateway_ports()
    {
        var expose = Instructions("Silo").Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal)).Split(' ')[1..];
        Assert.Equal(["8080", EndpointOptions.DEFAULT_SILO_PORT.ToString(), EndpointOptions.DEFAULT_GATEWAY_PORT.ToString()], expose);
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public void A_Dockerfiles_context_leaves_out_build_outputs(string app)
    {
        var ignored = File.ReadAllLines(Path.Combine(Repo.Root, "src", app, "Dockerfile.dockerignore"));
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    [Fact]
    public void Every_setting_the_deployment_gives_is_one_the_processes_read()
    {
        var cluster = BindableProperties(typeof(SenteClusterOptions));
        var known = new Dictionary<string, HashSet<string>>
        {
            ["Cluster"] = cluster,
            ["Silo"] = [.. cluster, "Dashboard"],
            ["FrontEnd"] = ["AllowedOrigins"],
            ["Telemetry"] = ["ServiceName", "OtlpEndpoint", "OtlpProtocol", "OrleansRuntimeTraces"],
        };

        var files = DeploymentFiles().ToList();
        Assert.NotEmpty(files);
        var seen = 0;
        foreach (var file in files)
        {
            foreach (Match m in SettingName().Matches(File.ReadAllText(file)))
            {
                seen++;
                var (section, key) = (m.Groups["section"].Value, m.Groups["key"].Value);
                Assert.True(
                    known.TryGetValue(section, out var keys) && keys.Contains(key),
                    $"{Path.GetRelativePath(Repo.Root, file)} sets Sente__{section}__{key}, which nothing reads.");
            }
        }

        Assert.True(seen > 10, $"Only {seen} settings found in deploy/ and docs/deployment.md.");
    }

    [Fact]
    public void The_manifests_probe_the_operations_endpoints()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(Repo.Root, "deploy"), "*.yaml", SearchOption.AllDirectories)
                     .Where(f => File.ReadAllText(f).Contains("image:", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            Assert.Contains($"path: {SenteOperations.LivePath}", text);
            Assert.Contains($"path: {SenteOperations.ReadyPath}", text);
        }
    }

    private static IEnumerable<string> DeploymentFiles() =>
        Directory.GetFiles(Path.Combine(Repo.Root, "deploy"), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(Repo.Root, "docs", "deployment.md"));

    private static HashSet<string> BindableProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name)];

    /// <summary>The Dockerfile's instructions, one a line (comments and continuation lines joined).</summary>
    private static List<string> Instructions(string app)
    {
        var text = File.ReadAllText(Path.Combine(Repo.Root, "src", app, "Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    /// <summary>Each COPY from the build context: its index among the instructions and its sources.</summary>
    private static IEnumerable<(int Index, string[] Sources)> Copies(string app) =>
        Instructions(app)
            .Select((line, index) => (line, index))
            .Where(x => x.line.StartsWith("COPY ", StringComparison.Ordinal) && !x.line.Contains("--from=", StringComparison.Ordinal))
            .Select(x =>
            {
                var words = x.line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return (x.index, words[1..^1].Select(w => w.TrimEnd('/')).ToArray());
            });

    /// <summary>The project and every project it references, directly or not, as repository paths.</summary>
    private static HashSet<string> ProjectClosure(string project)
    {
        var found = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!found.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.Combine(Repo.Root, current))!;
            foreach (var reference in XDocument.Load(Path.Combine(Repo.Root, current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value));
                pending.Push(Path.GetRelativePath(Repo.Root, full).Replace('\\', '/'));
            }
        }

        return found;
    }

    /// <summary>Files a project includes from outside src/ (the part of the path before any wildcard).</summary>
    private static IEnumerable<string> IncludesOutsideSrc(string project)
    {
        var directory = Path.GetDirectoryName(Path.Combine(Repo.Root, project))!;
        return XDocument.Load(Path.Combine(Repo.Root, project)).Descendants()
            .Where(e => e.Name.LocalName != "ProjectReference" && e.Attribute("Include") is not null)
            .SelectMany(e => e.Attribute("Include")!.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(path => path.StartsWith("../", StringComparison.Ordinal))
            .Select(path =>
            {
                var fixedPart = string.Join('/', path.Split('/').TakeWhile(segment => !segment.Contains('*', StringComparison.Ordinal)));
                return Path.GetRelativePath(Repo.Root, Path.GetFullPath(Path.Combine(directory, fixedPart))).Replace('\\', '/');
            })
            .Where(path => !path.StartsWith("src/", StringComparison.Ordinal))
            .Distinct();
    }

    [GeneratedRegex(@"Sente__(?<section>[A-Za-z]+)__(?<key>[A-Za-z]+)")]
    private static partial Regex SettingName();
}
