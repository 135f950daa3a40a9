using System.Globalization;
using System.Text;

namespace Orleans.Sente.Client.Transport;

/// <summary>The addresses of Sente's routes, all on the one endpoint path.</summary>
internal static class SenteUrls
{
    /// <summary>The query parameter of the access token on the WebSocket upgrade, as SignalR names it.</summary>
    public const string AccessTokenParam = "access_token";

    /// <summary>
    /// Asks the server for a resume mark per push frame and tells it the last one received
    /// (<c>epoch:push-id</c>, empty before any), so that a reconnect gets again exactly what was missed.
    /// </summary>
    public const string ResumeParam = "resume";

    /// <summary><c>ws(s)://…/chsk?&lt;params&gt;&amp;client-id=…&amp;packer=…[&amp;csrf-token=…][&amp;access_token=…]</c>.</summary>
    public static Uri WebSocket(SenteClientOptions options, string? accessToken = null, string? resume = null)
    {
        var query = new StringBuilder();
        AppendParams(query, options);
        Append(query, "client-id", options.ClientId);
        Append(query, "packer", options.Packer);
        if (resume is not null)
        {
            Append(query, ResumeParam, resume);
        }

        if (options.CsrfToken is { Length: > 0 } token)
        {
            Append(query, "csrf-token", token);
        }

        if (accessToken is { Length: > 0 })
        {
            Append(query, AccessTokenParam, accessToken);
        }

        return Build(options.Uri!, options.Uri!.Scheme is "https" or "wss" ? "wss" : "ws", query);
    }

    /// <summary><c>GET /chsk?&lt;params&gt;&amp;udt=…&amp;client-id=…&amp;packer=…[&amp;handshake%3F=1]</c>.</summary>
    public static Uri Poll(SenteClientOptions options, bool handshake, string? resume = null)
    {
        var query = new StringBuilder();
        AppendParams(query, options);
        Append(query, "udt", Udt(options));
        Append(query, "client-id", options.ClientId);
        Append(query, "packer", options.Packer);
        if (resume is not null)
        {
            Append(query, ResumeParam, resume);
        }

        if (handshake)
        {
            Append(query, "handshake?", "1");
        }

        return Build(options.Uri!, HttpScheme(options.Uri!), query);
    }

    /// <summary>
    /// <c>POST /chsk?packer=…</c>; the rest travels in the form. A binary packer's send is the frame
    /// itself, with <c>udt</c>, <c>client-id</c> and <c>binary?=true</c> in the query, as Sente's client posts it.
    /// </summary>
    public static Uri Post(SenteClientOptions options, bool binary = false)
    {
        var query = new StringBuilder();
        Append(query, "packer", options.Packer);
        if (binary)
        {
            Append(query, "udt", Udt(options));
            Append(query, "client-id", options.ClientId);
            Append(query, "binary?", "true");
        }

        return Build(options.Uri!, HttpScheme(options.Uri!), query);
    }

    /// <summary>The form of an Ajax send: <c>udt, client-id, packer, ppstr</c>.</summary>
    public static FormUrlEncodedContent PostForm(SenteClientOptions options, string ppstr) => new(
    [
        new("udt", Udt(options)),
        new("client-id", options.ClientId),
        new("packer", options.Packer),
        new("ppstr", ppstr),
    ]);

    /// <summary>The octet-stream body of a binary packer's send.</summary>
    public static ByteArrayContent PostBody(byte[] frame) =>
        new(frame) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream") } };

    private static string Udt(SenteClientOptions options) =>
        options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static string HttpScheme(Uri uri) => uri.Scheme is "https" or "wss" ? "https" : "http";

    private static void AppendParams(StringBuilder query, SenteClientOptions options)
    {
        foreach (var (key, value) in options.Params)
        {
            Append(query, key, value);
        }
    }

    private static void Append(StringBuilder query, string key, string value)
    {
        if (query.Length > 0)
        {
            query.Append('&');
        }

        query.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
    }

    private static Uri Build(Uri endpoint, string scheme, StringBuilder query)
    {
        // A query already on the endpoint (a tenant, a version) stays first.
        var existing = endpoint.Query.TrimStart('?');
        var builder = new UriBuilder(endpoint)
        {
            Scheme = scheme,
            Port = endpoint.IsDefaultPort ? -1 : endpoint.Port,
            Query = existing.Length == 0 ? query.ToString() : existing + "&" + query,
        };
        return builder.Uri;
    }
}
