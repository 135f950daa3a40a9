using Microsoft.Playwright;
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

        await Expect(tab3.Locator("#log")).Not.ToContainTextAsync(text);
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

    private static async Task ExpectConnectedAsync(IPage page, string userId, string expectedTransport)
    {
        await Expect(page.Locator("#uid")).ToHaveTextAsync(userId, new() { Timeout = WaitMs });
        await ExpectOpenAsync(page);
        await Expect(page.Locator("#transport")).ToHaveTextAsync(expectedTransport);
    }

    private static Task ExpectOpenAsync(IPage page) =>
        Expect(page.Locator("#state")).ToHaveTextAsync("open", new() { Timeout = WaitMs });
}
