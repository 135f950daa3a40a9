using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Orleans.Sente.Package.Tests;

/// <summary>
/// The libraries packed once into a local folder feed (<c>dotnet pack -o</c>), and a NuGet
/// configuration that takes Orleans.Sente.* from that feed only and everything else from the
/// machine's package cache or its usual sources. Restores go to a package folder of their own,
/// so a package of the same version cached by an earlier build is never used instead.
/// </summary>
public sealed class PackageFeed : IAsyncLifetime
{
    public string Folder { get; } = Repo.Scratch("feed");

    public string PackagesFolder { get; } = Repo.Scratch("packages");

    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        foreach (var project in Repo.Libraries)
        {
            await Processes.RunAsync(Repo.Root, TimeSpan.FromMinutes(3),
                "dotnet", "pack", project, "-c", Repo.Configuration, "--no-build", "-o", Folder);
        }

        var protocol = Directory.GetFiles(Folder, "Orleans.Sente.Protocol.*.nupkg").Single();
        Version = Regex.Match(Path.GetFileName(protocol), @"^Orleans\.Sente\.Protocol\.(.+)\.nupkg$").Groups[1].Value;
    }

    /// <summary>Writes a NuGet.config into <paramref name="folder"/> for building against this feed.</summary>
    public void WriteNuGetConfig(string folder)
    {
        var machineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var machineSources = MachineSourceKeys();
        var sources = new XElement("packageSources",
            new XElement("add", new XAttribute("key", "orleans-sente-feed"), new XAttribute("value", Folder)));
        var mapping = new XElement("packageSourceMapping",
            new XElement("packageSource", new XAttribute("key", "orleans-sente-feed"),
                new XElement("package", new XAttribute("pattern", "Orleans.Sente.*"))));
        if (Directory.Exists(machineCache))
        {
            sources.Add(new XElement("add", new XAttribute("key", "machine-cache"), new XAttribute("value", machineCache)));
            machineSources = ["machine-cache", .. machineSources];
        }

        foreach (var key in machineSources)
        {
            mapping.Add(new XElement("packageSource", new XAttribute("key", key), new XElement("package", new XAttribute("pattern", "*"))));
        }

        new XDocument(new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", PackagesFolder))),
            sources,
            mapping)).Save(Path.Combine(folder, "NuGet.config"));
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        Directory.Delete(PackagesFolder, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The keys of the package sources of the user's NuGet configuration (nuget.org on a default machine).</summary>
    private static string[] MachineSourceKeys()
    {
        var config = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet", "NuGet.Config");
        return File.Exists(config)
            ? XDocument.Load(config).Descendants("packageSources").Elements("add")
                .Select(e => (string?)e.Attribute("key")).OfType<string>().ToArray()
            : [];
    }
}

[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "package feed";
}
