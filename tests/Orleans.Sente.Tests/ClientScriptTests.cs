using Orleans.Sente.AspNetCore;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>The browser client served from the front end under <c>/sente/</c>.</summary>
public sealed class ClientScriptTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapSenteClientScript();
        await _app.StartAsync().WaitAsync(TestTimeouts.Start);
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = TestTimeouts.Frame };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("sente-client.js", "export function createClient")]
    [InlineData("protocol.js", "export function packEvent")]
    [InlineData("transit.js", "export const transitPacker")]
    [InlineData("msgpack.js", "export const msgpackPacker")]
    public async Task Client_modules_are_served_as_JavaScript(string file, string expected)
    {
        using var response = await _http.GetAsync("/sente/" + file);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_module_and_the_file_it_imports_are_the_repository_sources()
    {
        var sources = Path.Combine(RepositoryRoot(), "clients", "js", "src");
        foreach (var file in new[] { "sente-client.js", "protocol.js" })
        {
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(sources, file)), await _http.GetStringAsync("/sente/" + file));
        }
    }

    [Fact]
    public async Task An_unchanged_script_revalidates_with_304()
    {
        using var first = await _http.GetAsync("/sente/sente-client.js");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString());

        using var request = new HttpRequestMessage(HttpMethod.Get, "/sente/sente-client.js");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag.Tag));
        using var second = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Theory]
    [InlineData("/sente/missing.js")]
    [InlineData("/sente/../Program.cs")]
    [InlineData("/sente/")]
    public async Task Unknown_files_are_404(string path)
    {
        using var response = await _http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Sente.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Orleans.Sente.sln not found above " + AppContext.BaseDirectory);
    }
}
