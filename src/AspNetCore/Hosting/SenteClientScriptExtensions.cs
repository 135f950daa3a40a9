using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// <c>app.MapSenteClientScript()</c>: serves the browser client (<c>clients/js/src</c>, embedded in
/// this assembly) under <c>/sente/</c>, so a page can <c>import { createClient } from
/// "/sente/sente-client.js"</c> from the front end it talks to, with no build step.
/// </summary>
public static class SenteClientScriptExtensions
{
    public const string DefaultPrefix = "/sente";

    /// <summary>The manifest-name prefix the project file gives the embedded client files.</summary>
    private const string ResourcePrefix = "sente/";

    private static readonly Lazy<FrozenDictionary<string, ClientFile>> Files = new(LoadFiles);

    /// <summary>
    /// Maps <c>GET {prefix}/{file}</c> for every file of the client; unknown files are 404.
    /// Responses carry an ETag and <c>Cache-Control: no-cache</c>: the URL is stable across
    /// versions, so browsers revalidate (a 304 when unchanged).
    /// </summary>
    public static RouteGroupBuilder MapSenteClientScript(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix)
    {
        var group = endpoints.MapGroup(prefix);
        group.MapGet("/{**path}", (HttpContext context, string? path) => ServeAsync(context, path ?? ""))
            .WithDisplayName("Sente client script")
            .ExcludeFromDescription();
        return group;
    }

    private static async Task ServeAsync(HttpContext context, string path)
    {
        if (!Files.Value.TryGetValue(path, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = file.ETag;
        if (context.Request.Headers.IfNoneMatch.ToString() == file.ETag)
        {
            context.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        context.Response.ContentType = file.ContentType;
        context.Response.ContentLength = file.Content.Length;
        await context.Response.Body.WriteAsync(file.Content, context.RequestAborted);
    }

    private static FrozenDictionary<string, ClientFile> LoadFiles()
    {
        var assembly = typeof(SenteClientScriptExtensions).Assembly;
        var files = new Dictionary<string, ClientFile>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(content)[..16]) + "\"").ToString();
            files[name[ResourcePrefix.Length..].Replace('\\', '/')] = new ClientFile(content, ContentTypeOf(name), etag);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) =>
        name.EndsWith(".d.ts", StringComparison.Ordinal) ? "text/plain; charset=utf-8"
        : name.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8"
        : "application/octet-stream";

    private sealed record ClientFile(byte[] Content, string ContentType, string ETag);
}
