using System.IO.Compression;
using System.Xml.Linq;

namespace Orleans.Sente.Package.Tests;

[Collection(PackageFeedCollection.Name)]
public sealed class PackageMetadataTests(PackageFeed feed)
{
    public static TheoryData<string> Packages => new()
    {
        "Orleans.Sente.Protocol",
        "Orleans.Sente.Abstractions",
        "Orleans.Sente.Grains",
        "Orleans.Sente.AspNetCore",
        "Orleans.Sente.Client",
        "Orleans.Sente.Hosting",
    };

    [Theory]
    [MemberData(nameof(Packages))]
    public void Every_library_package_carries_its_metadata_readme_and_symbols(string id)
    {
        var metadata = Nuspec(id).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal(id, Field("id"));
        Assert.Equal(feed.Version, Field("version"));
        Assert.False(string.IsNullOrWhiteSpace(Field("description")));
        Assert.Equal("MIT", Field("license"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("sente", Field("tags") ?? "");
        Assert.NotNull(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository")?.Attribute("url"));
        using (var package = ZipFile.OpenRead(PackagePath(id, "nupkg")))
        {
            Assert.Contains(package.Entries, e => e.FullName == "README.md");
            Assert.Contains(package.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
        }

        Assert.True(File.Exists(PackagePath(id, "snupkg")), $"no symbols package for {id}");
    }

    [Fact]
    public void The_client_and_the_protocol_depend_on_no_Orleans_and_no_ASP_NET_Core()
    {
        // MessagePack: Sente's MessagePack packer is written on its reader and writer.
        Assert.Equal(["MessagePack", "Microsoft.Extensions.Logging.Abstractions", "Orleans.Sente.Protocol"], Dependencies("Orleans.Sente.Client"));
        Assert.Equal(["MessagePack"], Dependencies("Orleans.Sente.Protocol"));
        Assert.DoesNotContain(FrameworkReferences("Orleans.Sente.Client"), r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    private string PackagePath(string id, string extension) => Path.Combine(feed.Folder, $"{id}.{feed.Version}.{extension}");

    private XDocument Nuspec(string id)
    {
        using var package = ZipFile.OpenRead(PackagePath(id, "nupkg"));
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private string[] Dependencies(string id) => Nuspec(id).Descendants().Where(e => e.Name.LocalName == "dependency")
        .Select(e => (string)e.Attribute("id")!).Distinct().Order(StringComparer.Ordinal).ToArray();

    private string[] FrameworkReferences(string id) => Nuspec(id).Descendants().Where(e => e.Name.LocalName == "frameworkReference")
        .Select(e => (string)e.Attribute("name")!).ToArray();
}
