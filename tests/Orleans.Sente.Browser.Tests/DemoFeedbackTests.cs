using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Orleans.Sente.Browser.Tests;

/// <summary>
/// What the demo tells the person using it: their own sent messages, a notice when the recipient
/// has no client online (the message then waits in the recipient's inbox), the time of every log
/// line, and an icon, so a page loads with no failed request.
/// </summary>
public sealed partial class DemoFeedbackTests(DemoFixture fixture, ITestOutputHelper output) : IClassFixture<DemoFixture>
{
    internal const float WaitMs = 15_000;

    [Fact]
    public async Task A_sent_message_shows_in_the_senders_log_and_every_log_line_starts_with_its_time()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (alice, bob) = ("alice-" + suffix, "bob-" + suffix);
        await using var aliceBrowser = await fixture.Browser.NewContextAsync();
        var aliceTab = await OpenLoggedInAsync(fixture, output, aliceBrowser, alice);
        await using var bobBrowser = await fixture.Browser.NewContextAsync();
        var bobTab = await OpenLoggedInAsync(fixture, output, bobBrowser, bob);

        await SendAsync(bobTab, alice, "hello " + suffix);

        await Expect(bobTab.Locator("#log .own")).ToHaveTextAsync(TimeThen($"you \u2192 {alice}: hello {suffix}"), new() { Timeout = WaitMs });
        await Expect(aliceTab.Locator("#log")).ToContainTextAsync($"{bob}: hello {suffix}", new() { Timeout = WaitMs });
        await Expect(bobTab.Locator("#log .notice")).ToHaveCountAsync(0);
        foreach (var tab in new[] { aliceTab, bobTab })
        {
            var lines = await tab.Locator("#log .line").AllInnerTextsAsync();
            Assert.NotEmpty(lines);
            Assert.All(lines, line => Assert.Matches(TimeFirst(), line));
        }
    }

    [Fact]
    public async Task Sending_to_a_user_with_no_client_online_shows_a_notice_and_the_message_arrives_when_they_connect()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (bob, ivan) = ("bob-" + suffix, "ivan-" + suffix);
        await using var bobBrowser = await fixture.Browser.NewContextAsync();
        var bobTab = await OpenLoggedInAsync(fixture, output, bobBrowser, bob);

        await SendAsync(bobTab, ivan, "are you there " + suffix);

        await Expect(bobTab.Locator("#log .notice")).ToContainTextAsync($"{ivan} has no client online", new() { Timeout = WaitMs });
        await Expect(bobTab.Locator("#log .own")).ToContainTextAsync($"you \u2192 {ivan}: are you there {suffix}");

        await using var ivanBrowser = await fixture.Browser.NewContextAsync();
        var ivanTab = await OpenLoggedInAsync(fixture, output, ivanBrowser, ivan);
        await Expect(ivanTab.Locator("#log")).ToContainTextAsync($"{bob}: are you there {suffix}", new() { Timeout = WaitMs });
    }

    [Fact]
    public async Task The_page_has_an_icon_and_loads_logs_in_and_sends_with_no_failed_request_or_console_error()
    {
        await using var browser = await fixture.Browser.NewContextAsync();
        var page = await browser.NewPageAsync();
        var problems = new ConcurrentQueue<string>();
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                problems.Enqueue($"{r.Status} {r.Url}");
            }
        };
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                problems.Enqueue($"console.{m.Type}: {m.Text}");
            }
        };
        page.PageError += (_, e) => problems.Enqueue($"page error: {e}");
        await page.GotoAsync(fixture.BaseUri.ToString(), new() { Timeout = WaitMs });
        var user = "icon-" + Guid.NewGuid().ToString("N")[..8];
        await LogInAsync(page, user);
        await SendAsync(page, user, "to myself");
        await Expect(page.Locator("#log")).ToContainTextAsync($"{user}: to myself", new() { Timeout = WaitMs });

        var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
        Assert.NotNull(icon);
        foreach (var path in new[] { icon, "/favicon.ico" })
        {
            var response = await page.APIRequest.GetAsync(new Uri(fixture.BaseUri, path).ToString());
            Assert.Equal(200, response.Status);
            Assert.StartsWith("image/svg+xml", response.Headers["content-type"], StringComparison.Ordinal);
            Assert.Contains("<svg", await response.TextAsync(), StringComparison.Ordinal);
        }

        Assert.True(problems.IsEmpty, string.Join("\n", problems));
    }

    internal static async Task<IPage> OpenLoggedInAsync(DemoFixture fixture, ITestOutputHelper output, IBrowserContext context, string user)
    {
        var page = await context.NewPageAsync();
        page.Console += (_, m) => output.WriteLine($"[{user}] console.{m.Type}: {m.Text}");
        await page.GotoAsync(fixture.BaseUri.ToString(), new() { Timeout = WaitMs });
        await LogInAsync(page, user);
        return page;
    }

    internal static async Task LogInAsync(IPage page, string user)
    {
        await Expect(page.Locator("#state")).ToHaveTextAsync("open", new() { Timeout = WaitMs });
        await page.Locator("input[name=user-id]").FillAsync(user);
        await page.Locator("#login").ClickAsync();
        await Expect(page.Locator("#uid")).ToHaveTextAsync(user, new() { Timeout = WaitMs });
        await Expect(page.Locator("#state")).ToHaveTextAsync("open", new() { Timeout = WaitMs });
    }

    internal static async Task SendAsync(IPage page, string to, string text)
    {
        await page.Locator("#to").FillAsync(to);
        await page.Locator("#text").FillAsync(text);
        await page.Locator("#send-button").ClickAsync();
    }

    /// <summary>A log line: its time (HH:MM:SS), then exactly <paramref name="text"/>.</summary>
    private static Regex TimeThen(string text) => new($"^\\d\\d:\\d\\d:\\d\\d {Regex.Escape(text)}$");

    [GeneratedRegex(@"^\d\d:\d\d:\d\d ")]
    private static partial Regex TimeFirst();
}
