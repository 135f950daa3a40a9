using Orleans.Sente.AspNetCore;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.Sente.Tests.Infrastructure;
using Orleans.Sente.WebFrontend.Demo;

namespace Orleans.Sente.Tests;

/// <summary>The three ways of relating clients to users, each one line of configuration.</summary>
public sealed class UserIdRecipeTests : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(null);

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    [Fact]
    public async Task Default_session_uid_is_shared_by_every_tab_of_a_logged_in_browser()
    {
        await using var frontEnd = await StartAsync(o => { });
        var cookies = new CookieContainer();
        await LoginAsync(frontEnd, cookies, SenteUserIds.SessionUidKey, "alice");

        var (tab1, h1) = await TestClient.ConnectAsync(frontEnd, uid: null, cookies: cookies);
        var (tab2, h2) = await TestClient.ConnectAsync(frontEnd, uid: null, cookies: cookies);
        var (anonymous, h3) = await TestClient.ConnectAsync(frontEnd, uid: null);
        await using var _1 = tab1;
        await using var _2 = tab2;
        await using var _3 = anonymous;

        Assert.Equal("alice", h1[0][1][0].GetString());
        Assert.Equal("alice", h2[0][1][0].GetString());
        Assert.Equal(":sente/nil-uid", h3[0][1][0].GetString());
    }

    [Fact]
    public async Task Per_tab_user_id_is_the_client_id()
    {
        await using var frontEnd = await StartAsync(o => o.UserIdFn = SenteUserIds.PerTab);

        var (tab, handshake) = await TestClient.ConnectAsync(frontEnd, uid: null, clientId: "tab-42");
        await using var _ = tab;

        Assert.Equal("tab-42", handshake[0][1][0].GetString());
    }

    [Fact]
    public async Task Base_user_id_per_tab_joins_the_session_base_user_id_and_the_client_id()
    {
        await using var frontEnd = await StartAsync(o => o.UserIdFn = SenteUserIds.BaseUserIdPerTab);
        var cookies = new CookieContainer();
        await LoginAsync(frontEnd, cookies, "base-user-id", "bob");

        var (tab, handshake) = await TestClient.ConnectAsync(frontEnd, uid: null, clientId: "tab-7", cookies: cookies);
        var (signedOut, nilHandshake) = await TestClient.ConnectAsync(frontEnd, uid: null, clientId: "tab-8");
        await using var _1 = tab;
        await using var _2 = signedOut;

        Assert.Equal("bob/tab-7", handshake[0][1][0].GetString());
        Assert.Equal(":sente/nil-uid", nilHandshake[0][1][0].GetString());
    }

    private Task<TestFrontEnd> StartAsync(Action<SenteOptions> configure) =>
        TestFrontEnd.StartAsync(
            [_silo],
            configure: o =>
            {
                o.UserIdFn = SenteUserIds.SessionUid;
                configure(o);
            },
            configureBuilder: b => b.Services.AddSenteDemo(),
            map: app =>
            {
                app.UseSession();
                app.MapPost("/test-login", async (HttpContext context) =>
                {
                    var form = await context.Request.ReadFormAsync();
                    await context.Session.LoadAsync();
                    context.Session.SetString(form["key"]!, form["value"]!);
                    await context.Session.CommitAsync();
                    return Results.Text("ok");
                });
                TestHandlers.Map(app.MapSente());
            });

    private static async Task LoginAsync(TestFrontEnd frontEnd, CookieContainer cookies, string key, string value)
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = frontEnd.BaseUri };
        using var response = await http.PostAsync("/test-login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["value"] = value }));
        response.EnsureSuccessStatusCode();
    }
}
