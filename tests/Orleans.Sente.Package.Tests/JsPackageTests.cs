using System.Text.Json;

namespace Orleans.Sente.Package.Tests;

/// <summary>The browser client as an npm package: <c>npm pack</c>, installed from the tarball into an empty project, imported from node.</summary>
[Collection(PackageFeedCollection.Name)]
public sealed class JsPackageTests(PackageFeed feed)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Npm_package_holds_only_what_a_user_needs_and_imports_from_node()
    {
        var scratch = Repo.Scratch("npm");
        try
        {
            var packed = await Processes.RunAsync(Path.Combine(Repo.Root, "clients", "js"), Timeout,
                "npm", "pack", "--json", "--pack-destination", scratch);
            var manifest = JsonDocument.Parse(packed).RootElement[0];
            Assert.Equal(feed.Version, manifest.GetProperty("version").GetString());
            var files = manifest.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).Order(StringComparer.Ordinal);
            Assert.Equal(
                ["README.md", "package.json", "src/msgpack.d.ts", "src/msgpack.js", "src/protocol.js", "src/sente-client.d.ts", "src/sente-client.js",
                 "src/transit.d.ts", "src/transit.js", "src/values.js"],
                files);

            var consumer = Path.Combine(scratch, "consumer");
            Directory.CreateDirectory(consumer);
            File.WriteAllText(Path.Combine(consumer, "package.json"), """{ "name": "consumer", "private": true, "type": "module" }""");
            var tarball = Path.Combine(scratch, manifest.GetProperty("filename").GetString()!);
            await Processes.RunAsync(consumer, Timeout, "npm", "install", tarball, "--offline", "--no-audit", "--no-fund");

            var output = await Processes.RunAsync(consumer, Timeout, "node", "--input-type=module", "-e", """
                import { createClient, SenteClient } from "orleans-sente-client";
                import { transitPacker } from "orleans-sente-client/transit";
                import { msgpackPacker } from "orleans-sente-client/msgpack";
                const client = createClient({ host: "127.0.0.1:9", protocol: "http:", autoConnect: false, packer: transitPacker });
                console.log(typeof createClient, client instanceof SenteClient, client.state.open, transitPacker.name, msgpackPacker.name);
                """);
            Assert.Equal("function true false transit msgpack", output.Trim());
            Assert.True(File.Exists(Path.Combine(consumer, "node_modules", "orleans-sente-client", "src", "sente-client.d.ts")));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
