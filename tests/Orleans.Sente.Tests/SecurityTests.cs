using Orleans.Sente.AspNetCore;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// Sente's checks on GET, POST and upgrade, with sessions shared by two front ends: the CSRF token
/// and uid set through one front end are honoured by the other.
/// </summary>
public sealed class SecurityTests : IAsyncLifetime
{
    private const string Site = "http://site.com";
    private readonly UidPortRecorder _uidPorts = new();
    private TestSilo _silo = null!;
    private TestFrontEnd _fe1 = null!;
    private TestFrontEnd _fe2 = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null, o => o.WsCloseGrace = TimeSpan.FromMilliseconds(300));
        _fe1 = await StartAsync();
        _fe2 = await StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _fe1.DisposeAsync();
        await _fe2.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Missing_or_wrong_csrf_token_is_refused_on_get_post_and_upgrade()
    {
        var cookies = new CookieContainer();
        await LoginAsync(_fe1, cookies, "mia");
        using var client = new AjaxClient("c-" + Guid.NewGuid().ToString("N")[..8], cookies: cookies);

        Assert.Equal((HttpStatusCode.Forbidden, "Bad CSRF token"), await client.GetAsync(_fe2, handshake: true, edit: FromSite));
        Assert.Equal((HttpStatusCode.Forbidden, "Bad CSRF token"), await client.GetAsync(_fe2, handshake: true, edit: r => { FromSite(r); r.Headers.Add("X-CSRF-Token", "wrong"); }));
        Assert.Equal((HttpStatusCode.Forbidden, "Bad CSRF token"), await client.PostAsync(_fe2, "[[:my/note 1] nil]", FromSite));
        Assert.Equal((HttpStatusCode.Forbidden, "Bad CSRF token"), await client.PostAsync(_fe2, "[[:my/note 1] nil]", r => { FromSite(r); r.Headers.Add("X-XSRF-Token", "wrong"); }));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(_fe2, cookies, "&csrf-token=wrong", Site));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(_fe2, cookies, "", Site));
    }

    [Fact]
    public async Task Session_from_one_front_end_works_on_the_other_with_the_same_uid()
    {
        var cookies = new CookieContainer();
        var token = await LoginAsync(_fe1, cookies, "noor");
        using var client = new AjaxClient("c-" + Guid.NewGuid().ToString("N")[..8], cookies: cookies);

        Assert.Equal((HttpStatusCode.OK, "[[:chsk/handshake [\"noor\" nil nil]] nil]"), await client.GetAsync(_fe2, handshake: true, edit: r => { FromSite(r); r.Headers.Add("X-CSRF-Token", token); }));
        Assert.Equal((HttpStatusCode.OK, "[:chsk/dummy-cb-200 nil]"), await client.PostAsync(_fe1, "[[:my/note 1] nil]", r => { FromSite(r); r.Headers.Add("X-CSRF-Token", token); }));

        var (ws, handshake) = await ConnectAsync(_fe2, cookies, token, "c-ws");
        await using var _ = ws;
        Assert.Equal("noor", handshake[0][1][0].GetString());
    }

    [Fact]
    public async Task Bad_origin_spoofed_referer_and_unauthorized_are_refused_in_order()
    {
        var cookies = new CookieContainer();
        var token = await LoginAsync(_fe1, cookies, "olga");
        using var client = new AjaxClient("c-" + Guid.NewGuid().ToString("N")[..8], cookies: cookies);
        void Token(HttpRequestMessage r) => r.Headers.Add("X-CSRF-Token", token);

        Assert.Equal((HttpStatusCode.Forbidden, "Unauthorized origin"), await client.GetAsync(_fe2, true, edit: r => { Token(r); r.Headers.Add("Origin", "http://evil.com"); }));
        Assert.Equal((HttpStatusCode.Forbidden, "Unauthorized origin"), await client.GetAsync(_fe2, true, edit: r => { Token(r); r.Headers.Add("Origin", "http://site.com.evil.com"); }));
        Assert.Equal((HttpStatusCode.Forbidden, "Unauthorized origin"), await client.GetAsync(_fe2, true, edit: r => { Token(r); r.Headers.Referrer = new Uri("http://site.com.evil.com/"); }));
        Assert.Equal((HttpStatusCode.Forbidden, "Unauthorized origin"), await client.PostAsync(_fe2, "[[:my/note 1] nil]", r => { Token(r); r.Headers.Referrer = new Uri("http://site.com.evil.com/page"); }));
        Assert.Equal((HttpStatusCode.Forbidden, "Unauthorized origin"), await client.GetAsync(_fe2, true, edit: Token));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(_fe2, true, edit: r => { Token(r); r.Headers.Referrer = new Uri("http://site.com/chat"); })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(_fe2, cookies, "&csrf-token=" + Uri.EscapeDataString(token), "http://site.com.evil.com"));

        Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized request"), await client.GetAsync(_fe2, true, edit: r => { Token(r); FromSite(r); r.Headers.Add("X-Test-Deny", "1"); }));
        Assert.Equal((HttpStatusCode.Unauthorized, "Unauthorized request"), await client.PostAsync(_fe1, "[[:my/note 1] nil]", r => { Token(r); FromSite(r); r.Headers.Add("X-Test-Deny", "1"); }));
        Assert.Equal(HttpStatusCode.Unauthorized, await UpgradeStatusAsync(_fe1, cookies, "&csrf-token=" + Uri.EscapeDataString(token), Site, deny: true));

        // The application's reject function comes first of all, before the CSRF check.
        Assert.Equal((HttpStatusCode.TooManyRequests, "slow down"), await client.GetAsync(_fe2, true, extraQuery: "&reject-me=1"));
    }

    [Fact]
    public async Task A_login_change_then_reconnect_moves_the_client_to_the_new_user_id()
    {
        var cookies = new CookieContainer();
        var oldUid = "pia-" + Guid.NewGuid().ToString("N")[..8];
        var newUid = "rex-" + Guid.NewGuid().ToString("N")[..8];
        var token = await LoginAsync(_fe1, cookies, oldUid);
        var (before, h1) = await ConnectAsync(_fe2, cookies, token, "tab-1");
        Assert.Equal(oldUid, h1[0][1][0].GetString());
        Assert.StartsWith($"open {oldUid}", await _uidPorts.NextAsync(oldUid));

        token = await LoginAsync(_fe2, cookies, newUid);
        await before.DisposeAsync();
        var (after, h2) = await ConnectAsync(_fe1, cookies, token, "tab-1");
        await using var _ = after;

        Assert.Equal(newUid, h2[0][1][0].GetString());
        Assert.StartsWith($"open {newUid}", await _uidPorts.NextAsync(newUid));
        Assert.Equal($"close {oldUid} {oldUid}", await _uidPorts.NextAsync(oldUid));
        await _fe2.Grains.GetUserGrain(newUid).PushAsync(Protocol.SenteEvent.Create("test/moved"), PushOptions.Flushed);
        Assert.Equal("""[[[":test/moved"]],null]""", await after.ReceiveAsync());
    }

    private static void FromSite(HttpRequestMessage request) => request.Headers.Add("Origin", Site);

    /// <summary>A WebSocket from the allowed origin, with the session cookie and CSRF token; returns it after its handshake.</summary>
    private static async Task<(OriginSocket, System.Text.Json.JsonElement)> ConnectAsync(TestFrontEnd fe, CookieContainer cookies, string token, string clientId)
    {
        var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.SetRequestHeader("Origin", Site);
        await socket.ConnectAsync(fe.WebSocketUri($"client-id={clientId}&packer=json&csrf-token={Uri.EscapeDataString(token)}"), CancellationToken.None).WaitAsync(TestTimeouts.Frame);
        var client = new OriginSocket(socket);
        return (client, System.Text.Json.JsonDocument.Parse(await client.ReceiveAsync()).RootElement);
    }

    /// <summary>A minimal WebSocket client that sends an Origin header (the shared test client sends none).</summary>
    private sealed class OriginSocket(ClientWebSocket socket) : IAsyncDisposable
    {
        public async Task<string> ReceiveAsync()
        {
            var buffer = new byte[64 * 1024];
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Frame);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException)
            {
                socket.Abort();
            }

            socket.Dispose();
        }
    }

    private static async Task<HttpStatusCode> UpgradeStatusAsync(TestFrontEnd fe, CookieContainer cookies, string extraQuery, string origin, bool deny = false)
    {
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Origin", origin);
        if (deny)
        {
            socket.Options.SetRequestHeader("X-Test-Deny", "1");
        }

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(fe.WebSocketUri("client-id=ws-refused&packer=json" + extraQuery), CancellationToken.None).WaitAsync(TestTimeouts.Frame));
        return socket.HttpStatusCode;
    }

    /// <summary>Logs in through <paramref name="fe"/>; returns the session's CSRF token.</summary>
    private static async Task<string> LoginAsync(TestFrontEnd fe, CookieContainer cookies, string uid)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies });
        using var response = await http.PostAsync(new Uri(fe.BaseUri, "/test-login"), new FormUrlEncodedContent(new Dictionary<string, string> { ["user-id"] = uid }));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private Task<TestFrontEnd> StartAsync() => TestFrontEnd.StartAsync(
        [_silo],
        o =>
        {
            o.UserIdFn = SenteUserIds.SessionUid;
            o.CsrfTokenFn = SenteCsrf.SessionToken;
            o.AllowedOrigins = [Site];
            o.AuthorizedFn = context => ValueTask.FromResult(!context.Request.Headers.ContainsKey("X-Test-Deny"));
            o.RejectFn = context => ValueTask.FromResult(context.Request.Query.ContainsKey("reject-me") ? new SenteRejection(StatusCodes.Status429TooManyRequests, "slow down") : null);
        },
        configureBuilder: b => b.Services.AddSenteSessions(),
        map: app =>
        {
            app.UseSession();
            app.MapPost("/test-login", async (HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                await context.Session.LoadAsync();
                context.Session.SetString(SenteUserIds.SessionUidKey, form["user-id"].ToString());
                var token = Guid.NewGuid().ToString("N");
                context.Session.SetString(SenteCsrf.SessionKey, token);
                return token;
            });
            TestHandlers.Map(_uidPorts.Map(app.MapSente()));
        });
}
