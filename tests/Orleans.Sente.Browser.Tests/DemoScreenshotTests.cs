using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Orleans.Sente.Browser.Tests;

/// <summary>
/// The demo's screenshots in the README, taken on a cluster of their own so that no other test's
/// users appear in them.
/// </summary>
public sealed class DemoScreenshotTests(DemoFixture fixture, ITestOutputHelper output) : IClassFixture<DemoFixture>
{
    private const float WaitMs = DemoFeedbackTests.WaitMs;

    /// <summary>Where the screenshots go; unset, the test output folder.</summary>
    public const string ScreenshotsVariable = "SENTE_DEMO_SCREENSHOTS";

    /// <summary>
    /// The two screenshots of the README: a conversation (presence, messages both ways, one's own
    /// messages) and the notice for a recipient with no client online. Written to the folder
    /// <see cref="ScreenshotsVariable"/> names (<c>scripts/demo-screenshots.sh</c> gives docs/images),
    /// else to the test output folder.
    /// </summary>
    [Fact]
    public async Task The_demo_in_a_conversation_and_with_an_offline_recipient_is_captured_as_screenshots()
    {
        var folder = Environment.GetEnvironmentVariable(ScreenshotsVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);

        await using var aliceBrowser = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 860, Height = 560 } });
        var aliceTab = await DemoFeedbackTests.OpenLoggedInAsync(fixture, output, aliceBrowser, "alice");
        await using var bobBrowser = await fixture.Browser.NewContextAsync();
        var bobTab = await DemoFeedbackTests.OpenLoggedInAsync(fixture, output, bobBrowser, "bob");
        await Expect(aliceTab.Locator("#online")).ToContainTextAsync("bob", new() { Timeout = WaitMs });

        await DemoFeedbackTests.SendAsync(bobTab, "alice", "Hi Alice! Lunch at noon?");
        await Expect(aliceTab.Locator("#log")).ToContainTextAsync("bob: Hi Alice! Lunch at noon?", new() { Timeout = WaitMs });
        await DemoFeedbackTests.SendAsync(aliceTab, "bob", "Yes, see you there.");
        await Expect(aliceTab.Locator("#log .own")).ToContainTextAsync("Yes, see you there.", new() { Timeout = WaitMs });
        await Expect(bobTab.Locator("#log")).ToContainTextAsync("alice: Yes, see you there.", new() { Timeout = WaitMs });
        var conversation = Path.Combine(folder, "demo-conversation.png");
        await aliceTab.ScreenshotAsync(new() { Path = conversation, FullPage = true });

        await DemoFeedbackTests.SendAsync(aliceTab, "carol", "Carol, are you joining us?");
        await Expect(aliceTab.Locator("#log .notice")).ToContainTextAsync("carol has no client online", new() { Timeout = WaitMs });
        var offline = Path.Combine(folder, "demo-offline-recipient.png");
        await aliceTab.ScreenshotAsync(new() { Path = offline, FullPage = true });

        foreach (var file in new[] { conversation, offline })
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.Length > 1000 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G', $"{file} is a PNG");
            output.WriteLine($"screenshot: {file}");
        }
    }
}
