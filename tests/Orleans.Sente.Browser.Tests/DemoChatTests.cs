using Microsoft.Playwright;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Orleans.Sente.Browser.Tests;

/// <summary>
/// The demo chat in a real browser, through the served JS client: tabs of one browser share a
/// session, so a push to the user reaches every tab.
/// </summary>
public sealed class DemoChatTests(DemoFixture fixture, ITestOutputHelper output) : IClassFixture<DemoFixture>
{
    /// <summary>Every wait on the page is bounded by this; the machine is small and shared.</summary>
    private const float WaitMs = 15_000;

    /// <summary>A reconnect waits out the client's backoff (capped at 30 s) plus the restart.</summary>
    private const float RestartWaitMs = 45_000;

    [Fact]
    public Task A_push_to_a_user_reaches_both_tabs_of_that_user_over_WebSocket() =>
        PushReachesEveryTabOfTheUserAsync(transport: null, expectedTransport: "WebSocket");

    [Fact]
    public Task A_push_to_a_user_reaches_both_tabs_of_that_user_over_Ajax() =>
        PushReachesEveryTabOfTheUserAsync(transport: "ajax", expectedTransport: "Ajax");

    private async Task PushReachesEveryTabOfTheUserAsync(string? transport, string expectedTransport)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var alice = "alice-" + suffix;
        var bob = "bob-" + suffix;
        var url = new Uri(fixture.BaseUri, transport is null ? "/" : "/?transport=" + transport).ToString();

        // One browser context: the two tabs share the session cookie, hence the user-id.
        await using var aliceBrowser = await fixture.Browser.NewContextAsync();
        var tab1 = await OpenAsync(aliceBrowser, url, "alice tab 1");
        await LogInAsync(tab1, alice, expectedTransport);
        var tab2 = await OpenAsync(aliceBrowser, url, "alice tab 2");
        await ExpectConnectedAsync(tab2, alice, expectedTransport);
        await Expect(tab2.Locator("#cid")).Not.ToHaveTextAsync(await tab1.Locator("#cid").InnerTextAsync());

        // Another context is another browser: its own session, logged in as another user.
        await using var bobBrowser = await fixture.Browser.NewContextAsync();
        var tab3 = await OpenAsync(bobBrowser, url, "bob");
        await LogInAsync(tab3, bob, expectedTransport);

        var text = "hello " + suffix;
        await tab3.Locator("#to").FillAsync(alice);
        await tab3.Locator("#text").FillAsync(text);
        await tab3.Locator("#send-button").ClickAsync();

        foreach (var tab in new[] { tab1, tab2 })
        {
            await Expect(tab.Locator("#log")).ToContainTextAsync($"{bob}: {text}", new() { Timeout = WaitMs });
        }

        // The sender's page shows what it sent, not a copy received: a push to the sender after
        // the message (awaited on its page) would have come after any copy of it.
        await fixture.Silo.Grains.GetUserGrain(bob).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "after the message"))), PushOptions.Flushed);
        await Expect(tab3.Locator("#log")).ToContainTextAsync("server: after the message", new() { Timeout = WaitMs });
        await Expect(tab3.Locator("#log")).Not.ToContainTextAsync($"{bob}: {text}");
    }

    [Fact]
    public async Task Pages_see_who_is_online_presence_changes_and_broadcasts()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var carol = "carol-" + suffix;
        var dave = "dave-" + suffix;
        var url = fixture.BaseUri.ToString();
        await using var carolBrowser = await fixture.Browser.NewContextAsync();
        var carolTab = await OpenAsync(carolBrowser, url, "carol");
        await LogInAsync(carolTab, carol, "WebSocket");

        await using var daveBrowser = await fixture.Browser.NewContextAsync();
        var daveTab = await OpenAsync(daveBrowser, url, "dave");
        await LogInAsync(daveTab, dave, "WebSocket");

        await Expect(carolTab.Locator("#log")).ToContainTextAsync($"{dave} is online", new() { Timeout = WaitMs });
        await Expect(carolTab.Locator("#online")).ToContainTextAsync(dave, new() { Timeout = WaitMs });
        await Expect(daveTab.Locator("#online")).ToContainTextAsync(carol, new() { Timeout = WaitMs });

        var text = "hi all " + suffix;
        await daveTab.Locator("#broadcast-text").FillAsync(text);
        await daveTab.Locator("#broadcast-button").ClickAsync();
        foreach (var tab in new[] { carolTab, daveTab })
        {
            await Expect(tab.Locator("#log")).ToContainTextAsync($"{dave} (to everyone): {text}", new() { Timeout = WaitMs });
        }
    }

    [Fact]
    public async Task A_room_message_reaches_the_page_that_joined_and_not_the_page_that_did_not()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (hana, ivan) = ("hana-" + suffix, "ivan-" + suffix);
        var url = fixture.BaseUri.ToString();

        // Two tabs of one user; only the first joins the room: membership is the page's, not the user's.
        await using var hanaBrowser = await fixture.Browser.NewContextAsync();
        var joined = await OpenAsync(hanaBrowser, url, "hana, joined");
        await LogInAsync(joined, hana, "WebSocket");
        var other = await OpenAsync(hanaBrowser, url, "hana, not joined");
        await ExpectConnectedAsync(other, hana, "WebSocket");
        await joined.Locator("#room-join").ClickAsync();
        await Expect(joined.Locator("#room-state")).ToHaveTextAsync("joined", new() { Timeout = WaitMs });

        // Another user, not a member, posts to the room.
        await using var ivanBrowser = await fixture.Browser.NewContextAsync();
        var poster = await OpenAsync(ivanBrowser, url, "ivan");
        await LogInAsync(poster, ivan, "WebSocket");
        var text = "in the room " + suffix;
        await poster.Locator("#room-text").FillAsync(text);
        await poster.Locator("#room-post").ClickAsync();
        await Expect(joined.Locator("#log")).ToContainTextAsync($"[room] {ivan}: {text}", new() { Timeout = WaitMs });
        await Expect(poster.Locator("#log")).ToContainTextAsync($"you → [room]: {text}", new() { Timeout = WaitMs });

        // The other tab was listening all along (a push to its user reaches it), and has no room
        // message; nor has the poster's page, which a push after the post reached too.
        await fixture.Silo.Grains.GetUserGrain(hana).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "for every tab"))), PushOptions.Flushed);
        await fixture.Silo.Grains.GetUserGrain(ivan).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "for the poster"))), PushOptions.Flushed);
        await Expect(other.Locator("#log")).ToContainTextAsync("server: for every tab", new() { Timeout = WaitMs });
        await Expect(other.Locator("#log")).Not.ToContainTextAsync("[room]");
        await Expect(poster.Locator("#log")).ToContainTextAsync("server: for the poster", new() { Timeout = WaitMs });
        await Expect(poster.Locator("#log")).Not.ToContainTextAsync($"[room] {ivan}");

        // The member leaves: the next post reaches nobody, and its poster is told so.
        await joined.Locator("#room-leave").ClickAsync();
        await Expect(joined.Locator("#room-state")).ToHaveTextAsync("not joined", new() { Timeout = WaitMs });
        await poster.Locator("#room-text").FillAsync("after leaving " + suffix);
        await poster.Locator("#room-post").ClickAsync();
        await Expect(poster.Locator("#log")).ToContainTextAsync("demo-room has no members: nobody got it", new() { Timeout = WaitMs });
        await fixture.Silo.Grains.GetUserGrain(hana).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "after the post"))), PushOptions.Flushed);
        await Expect(joined.Locator("#log")).ToContainTextAsync("server: after the post", new() { Timeout = WaitMs });
        await Expect(joined.Locator("#log")).Not.ToContainTextAsync("after leaving");
    }

    [Fact]
    public async Task A_login_change_moves_the_tab_to_the_new_user_id()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using var browser = await fixture.Browser.NewContextAsync();
        var tab = await OpenAsync(browser, fixture.BaseUri.ToString(), "erin");
        await LogInAsync(tab, "erin-" + suffix, "WebSocket");

        await LogInAsync(tab, "frank-" + suffix, "WebSocket");
        await fixture.Silo.Grains.GetUserGrain("frank-" + suffix).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "for frank"))), PushOptions.Flushed);
        await fixture.Silo.Grains.GetUserGrain("erin-" + suffix).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "for erin"))), PushOptions.Flushed);

        await Expect(tab.Locator("#log")).ToContainTextAsync("server: for frank", new() { Timeout = WaitMs });

        // The tab is Frank's alone now: Erin's slot ends after its grace, and a push to Erin from
        // then on has no route at all. A later push to Frank (awaited) shows the page kept
        // listening; Erin's, pushed before it, never showed.
        var grains = fixture.Silo.Grains;
        await Eventually.HoldsAsync(grains.GetConnectedUidsAsync, u => !u.Any.Contains("erin-" + suffix) && u.Any.Contains("frank-" + suffix), "Erin has no client left, Frank has the tab");
        await grains.GetUserGrain("erin-" + suffix).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "again for erin"))), PushOptions.Flushed);
        await grains.GetUserGrain("frank-" + suffix).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "again for frank"))), PushOptions.Flushed);
        await Expect(tab.Locator("#log")).ToContainTextAsync("server: again for frank", new() { Timeout = WaitMs });
        await Expect(tab.Locator("#log")).Not.ToContainTextAsync("for erin");
    }

    [Fact]
    public async Task After_its_front_end_restarts_the_page_reconnects_and_receives_again()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var user = "gina-" + suffix;
        var port = FreePort.Next();
        var frontEnd = await fixture.StartFrontEndAsync(port);
        await using var browser = await fixture.Browser.NewContextAsync();
        try
        {
            var tab = await OpenAsync(browser, frontEnd.BaseUri.ToString(), "gina");
            await LogInAsync(tab, user, "WebSocket");

            await frontEnd.DisposeAsync();
            await Expect(tab.Locator("#state")).ToHaveTextAsync("reconnecting", new() { Timeout = WaitMs });
            frontEnd = await fixture.StartFrontEndAsync(port);

            // The session lives in the cluster, so the new front end knows the tab's user.
            await ExpectConnectedAsync(tab, user, "WebSocket", RestartWaitMs);
            await fixture.Silo.Grains.GetUserGrain(user).PushAsync(
                SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "after restart"))), PushOptions.Flushed);
            await Expect(tab.Locator("#log")).ToContainTextAsync("server: after restart", new() { Timeout = WaitMs });
        }
        finally
        {
            await frontEnd.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("transit")]
    [InlineData("msgpack")]
    public async Task The_browser_client_speaks_the_packer_it_is_given_with_the_server(string packer)
    {
        var user = packer + "-" + Guid.NewGuid().ToString("N")[..8];
        await using var browser = await fixture.Browser.NewContextAsync();
        var tab = await OpenAsync(browser, fixture.BaseUri.ToString(), packer);
        await LogInAsync(tab, user, "WebSocket");

        // A second client in the signed-in page, built with the packer's module as served.
        await tab.EvaluateAsync("""
            async (packer) => {
              const { createClient } = await import("/sente/sente-client.js");
              const codec = await import(`/sente/${packer}.js`);
              const chsk = createClient({ packer: codec[`${packer}Packer`] });
              window.packed = new Promise(resolve => chsk.on("test/packed", ev => resolve(ev.data)));
              await new Promise((resolve, reject) => {
                chsk.on("handshake", resolve);
                chsk.on("state", (_, state) => { if (state.lastClose) reject(new Error(state.lastClose.reason)); });
              });
            }
            """, packer);
        await fixture.Silo.Grains.GetUserGrain(user).PushAsync(
            SenteEvent.Create("test/packed", EdnMap.Of(("text", "h\u00e9 \u2603"), ("n", 42), ("tags", EdnSet.Create([new EdnKeyword(null, "a")])))), PushOptions.Flushed);

        var seen = await tab.EvaluateAsync<string>("""
            async () => {
              const data = await window.packed;
              return `${data.text}|${data.n}|${[...data.tags].map(String).join(",")}`;
            }
            """).WaitAsync(TimeSpan.FromMilliseconds(WaitMs));
        Assert.Equal("h\u00e9 \u2603|42|:a", seen);
    }

    private async Task<IPage> OpenAsync(IBrowserContext context, string url, string name)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"[{name}] console.{m.Type}: {m.Text}");
        page.PageError += (_, e) => output.WriteLine($"[{name}] page error: {e}");
        await page.GotoAsync(url, new() { Timeout = WaitMs });
        return page;
    }

    /// <summary>Logs in through the page's form; the page reconnects and the handshake brings the user-id.</summary>
    private static async Task LogInAsync(IPage page, string userId, string expectedTransport)
    {
        await ExpectOpenAsync(page);
        await page.Locator("input[name=user-id]").FillAsync(userId);
        await page.Locator("#login").ClickAsync();
        await ExpectConnectedAsync(page, userId, expectedTransport);
    }

    private static async Task ExpectConnectedAsync(IPage page, string userId, string expectedTransport, float timeoutMs = WaitMs)
    {
        await Expect(page.Locator("#uid")).ToHaveTextAsync(userId, new() { Timeout = timeoutMs });
        await ExpectOpenAsync(page);
        await Expect(page.Locator("#transport")).ToHaveTextAsync(expectedTransport);
    }

    private static Task ExpectOpenAsync(IPage page) =>
        Expect(page.Locator("#state")).ToHaveTextAsync("open", new() { Timeout = WaitMs });
}
