using System.Net;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>A raw Sente Ajax client over HttpClient: polls and sends to whichever front end the test names.</summary>
internal sealed class AjaxClient(string clientId, string? uid = null, string? packer = null, CookieContainer? cookies = null) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public string ClientId { get; } = clientId;

    public HttpClient Http => _http;

    /// <summary>A poll (or, with <paramref name="handshake"/>, a handshake GET); returns status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetAsync(TestFrontEnd frontEnd, bool handshake = false, string extraQuery = "", Action<HttpRequestMessage>? edit = null)
    {
        var query = $"udt={Environment.TickCount64}&client-id={Uri.EscapeDataString(ClientId)}{Params()}{extraQuery}";
        if (handshake)
        {
            query += "&handshake%3F=1";
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(frontEnd.BaseUri) { Path = "/chsk", Query = query }.Uri);
        request.Headers.Add("X-Requested-With", "XMLHTTPRequest");
        edit?.Invoke(request);
        using var response = await _http.SendAsync(request).WaitAsync(TestTimeouts.Frame);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>An Ajax send: form body udt, client-id, ppstr (and packer for non-EDN clients).</summary>
    public async Task<(HttpStatusCode Status, string Body)> PostAsync(TestFrontEnd frontEnd, string ppstr, Action<HttpRequestMessage>? edit = null)
    {
        var fields = new Dictionary<string, string>
        {
            ["udt"] = Environment.TickCount64.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["client-id"] = ClientId,
            ["ppstr"] = ppstr,
        };
        if (packer is not null)
        {
            fields["packer"] = packer;
        }

        var query = uid is null ? "" : $"{TestFrontEnd.TestUidParam}={Uri.EscapeDataString(uid)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, new UriBuilder(frontEnd.BaseUri) { Path = "/chsk", Query = query }.Uri)
        {
            Content = new FormUrlEncodedContent(fields),
        };
        edit?.Invoke(request);
        using var response = await _http.SendAsync(request).WaitAsync(TestTimeouts.Frame);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _http.Dispose();

    private string Params() =>
        (packer is null ? "" : $"&packer={packer}") + (uid is null ? "" : $"&{TestFrontEnd.TestUidParam}={Uri.EscapeDataString(uid)}");
}
