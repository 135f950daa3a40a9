using Orleans.Sente.AspNetCore;
using System.Net;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;
using Orleans.Sente.WebFrontend.Demo;

namespace Orleans.Sente.Tests;

/// <summary>
/// The demo's sessions over real HTTP and sockets: a login or logout gives the browser a new
/// session (id, cookie and CSRF token), so a cookie planted before it is worth nothing after;
/// the login refuses other sites; requests that never need a session cost the cluster nothing.
/// </summary>
public sealed partial class DemoSessionTests : IAsyncLifetime
{
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null);
        _frontEnd = await TestFrontEnd.StartAsync(
            [_silo],
            o =>
            {
                o.UserIdFn = SenteUserIds.SessionUid;
                o.CsrfTokenFn = SenteCsrf.SessionToken;
            },
            configureBuilder: b => b.Services.AddSenteDemo(),
            map: app =>
            {
                app.MapSenteOperations();
                app.UseSession();
                app.MapSenteDemo();
            });
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task A_cookie_planted_before_the_login_gets_neither_the_user_nor_its_pushes()
    {
        var victim = "victim-" + Guid.NewGuid().ToString("N")[..8];

        // The attacker gets a session (cookie and token) and opens a channel with it: nil-uid.
        var attackerCookies = new CookieContainer();
        var attackerToken = await PageTokenAsync(attackerCookies);
        var (attackerSocket, attackerHandshake) = await TestClient.ConnectAsync(_frontEnd, uid: null, cookies: attackerCookies, extraQuery: TokenQuery(attackerToken));
        await using var _ = attackerSocket;
        Assert.EndsWith("/nil-uid", attackerHandshake[0][1][0].GetString());

        // The victim's browser carries the planted cookie and logs in with it.
        var victimCookies = Copy(attackerCookies);

        using (var login = await PostAsync(victimCookies, "/login", [new("user-id", victim)], origin: Origin(_frontEnd.BaseUri)))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        Assert.NotEqual(Cookie(attackerCookies), Cookie(victimCookies));
        var victimToken = await PageTokenAsync(victimCookies);
        Assert.NotEqual(attackerToken, victimToken);
        var (victimSocket, victimHandshake) = await TestClient.ConnectAsync(_frontEnd, uid: null, cookies: victimCookies, extraQuery: TokenQuery(victimToken));
        await using var __ = victimSocket;
        Assert.Equal(victim, victimHandshake[0][1][0].GetString());

        // The planted cookie's session is gone: no token, so no channel of any kind.
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(attackerCookies, TokenQuery(attackerToken)));
        using (var ajax = new AjaxClient("attacker-ajax", cookies: attackerCookies))
        {
            Assert.Equal((HttpStatusCode.Forbidden, "Bad CSRF token"), await ajax.GetAsync(_frontEnd, handshake: true, edit: r => r.Headers.Add("X-CSRF-Token", attackerToken)));
        }

        // A push to the victim reaches the victim; the attacker's earlier socket sees only what
        // is pushed to nil-uid after it.
        await _frontEnd.Grains.GetUserGrain(victim).PushAsync(SenteEvent.Create("test/secret"), PushOptions.Flushed);
        await ReceiveUntilAsync(victimSocket, ":test/secret");
        await _frontEnd.Grains.GetUsersWithoutUidGrain().PushAsync(SenteEvent.Create("test/marker"), PushOptions.Flushed);
        var seen = await ReceiveUntilAsync(attackerSocket, ":test/marker");
        Assert.DoesNotContain(seen, frame => frame.Contains(":test/secret", StringComparison.Ordinal));
    }

    /// <summary>
    /// Frames up to and including the first carrying <paramref name="eventId"/> (the demo also
    /// broadcasts presence changes to every page), each awaited with the frame timeout.
    /// </summary>
    private static async Task<List<string>> ReceiveUntilAsync(TestClient client, string eventId)
    {
        var frames = new List<string>();
        do
        {
            frames.Add(await client.ReceiveAsync());
        }
        while (!frames[^1].Contains(eventId, StringComparison.Ordinal));
        return frames;
    }

    [Fact]
    public async Task A_logout_gives_a_new_session_and_the_old_cookie_no_longer_carries_the_user()
    {
        var user = "leaver-" + Guid.NewGuid().ToString("N")[..8];
        var cookies = new CookieContainer();
        var origin = Origin(_frontEnd.BaseUri);
        using (var login = await PostAsync(cookies, "/login", [new("user-id", user)], origin))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var loggedInToken = await PageTokenAsync(cookies);
        var copied = Copy(cookies);

        using (var logout = await PostAsync(cookies, "/logout", [], origin))
        {
            Assert.True(logout.IsSuccessStatusCode || logout.StatusCode == HttpStatusCode.Redirect, $"logout: {logout.StatusCode}");
        }

        Assert.NotEqual(Cookie(copied), Cookie(cookies));
        Assert.Equal(HttpStatusCode.Forbidden, await UpgradeStatusAsync(copied, TokenQuery(loggedInToken)));
        var (socket, handshake) = await TestClient.ConnectAsync(_frontEnd, uid: null, cookies: cookies, extraQuery: TokenQuery(await PageTokenAsync(cookies)));
        await using var _ = socket;
        Assert.EndsWith("/nil-uid", handshake[0][1][0].GetString());
    }

    [Fact]
    public async Task The_login_answers_with_the_new_sessions_csrf_token()
    {
        var cookies = new CookieContainer();
        var before = await PageTokenAsync(cookies);
        using var login = await PostAsync(cookies, "/login", [new("user-id", "tok-" + Guid.NewGuid().ToString("N")[..8])], Origin(_frontEnd.BaseUri));
        var token = await login.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotEqual(before, token);
        Assert.Equal(await PageTokenAsync(cookies), token);
    }

    [Theory]
    [InlineData("https://evil.example", null)]
    [InlineData("null", null)]
    [InlineData(null, "https://evil.example/page")]
    public async Task A_login_or_logout_posted_from_another_site_is_refused(string? origin, string? referer)
    {
        var cookies = new CookieContainer();
        await PageTokenAsync(cookies);
        using var login = await PostAsync(cookies, "/login", [new("user-id", "mallory")], origin, referer);
        using var logout = await PostAsync(cookies, "/logout", [], origin, referer);

        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, logout.StatusCode);
        Assert.Contains("origin", await login.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_login_from_the_same_site_by_referer_alone_is_accepted()
    {
        var cookies = new CookieContainer();
        using var login = await PostAsync(cookies, "/login", [new("user-id", "ref-" + Guid.NewGuid().ToString("N")[..8])], origin: null, referer: new Uri(_frontEnd.BaseUri, "/").ToString());

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Theory]
    [InlineData("a\0b")]
    [InlineData("line\nbreak")]
    [InlineData("bell\u0007")]
    public async Task A_user_id_with_a_control_character_is_refused_with_a_reason(string userId)
    {
        var cookies = new CookieContainer();
        using var login = await PostAsync(cookies, "/login", [new("user-id", userId)], Origin(_frontEnd.BaseUri));

        Assert.Equal(HttpStatusCode.BadRequest, login.StatusCode);
        Assert.Contains("control character", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probes_and_refused_channel_requests_without_a_cookie_activate_no_session_grain()
    {
        const int Probes = 40;
        var before = await SessionActivationsAsync();
        using (var http = new HttpClient { BaseAddress = _frontEnd.BaseUri, Timeout = TestTimeouts.Frame })
        {
            for (var i = 0; i < Probes; i++)
            {
                foreach (var path in (string[])[SenteOperations.LivePath, SenteOperations.ReadyPath, SenteOperations.MetricsPath])
                {
                    using var probe = await http.GetAsync(path);
                    Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
                }

                using var refused = await http.GetAsync($"/chsk?client-id=probe-{i}&handshake%3F=1");
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            }
        }

        Assert.Equal(before, await SessionActivationsAsync());

        // A page does make a session (it stores the CSRF token it embeds): the count is live.
        await PageTokenAsync(new CookieContainer());
        Assert.Equal(before + 1, await SessionActivationsAsync());
    }

    private async Task<int> SessionActivationsAsync()
    {
        var statistics = await _silo.Grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics().WaitAsync(TestTimeouts.Frame);
        return statistics.Where(s => s.GrainType.Contains("SessionGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    private static string TokenQuery(string token) => "&csrf-token=" + Uri.EscapeDataString(token);

    private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);

    /// <summary>The session cookie's value (the only cookie the demo sets).</summary>
    private string Cookie(CookieContainer cookies) => cookies.GetCookies(_frontEnd.BaseUri).Single().Value;

    /// <summary>Another browser holding the same cookies.</summary>
    private CookieContainer Copy(CookieContainer cookies)
    {
        var copy = new CookieContainer();
        foreach (Cookie cookie in cookies.GetCookies(_frontEnd.BaseUri))
        {
            copy.Add(_frontEnd.BaseUri, new Cookie(cookie.Name, cookie.Value));
        }

        return copy;
    }

    /// <summary>GET / with these cookies; returns the CSRF token the page embeds.</summary>
    private async Task<string> PageTokenAsync(CookieContainer cookies)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = _frontEnd.BaseUri, Timeout = TestTimeouts.Frame };
        var page = await http.GetStringAsync("/");
        return WebUtility.HtmlDecode(CsrfMeta().Match(page).Groups[1].Value);
    }

    private async Task<HttpResponseMessage> PostAsync(CookieContainer cookies, string path, KeyValuePair<string, string>[] fields, string? origin, string? referer = null)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _frontEnd.BaseUri, Timeout = TestTimeouts.Frame };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (referer is not null)
        {
            request.Headers.Referrer = new Uri(referer);
        }

        return await http.SendAsync(request);
    }

    private async Task<HttpStatusCode> UpgradeStatusAsync(CookieContainer cookies, string extraQuery)
    {
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(_frontEnd.WebSocketUri("client-id=planted&packer=json" + extraQuery), CancellationToken.None).WaitAsync(TestTimeouts.Frame));
        return socket.HttpStatusCode;
    }

    [GeneratedRegex("""<meta name="csrf-token" content="([^"]*)">""")]
    private static partial Regex CsrfMeta();
}
