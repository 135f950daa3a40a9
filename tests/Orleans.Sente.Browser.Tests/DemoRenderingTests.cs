using System.Collections.Concurrent;
using Microsoft.Playwright;
using Orleans.Sente.Protocol;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Orleans.Sente.Browser.Tests;

/// <summary>
/// The demo page renders whatever a push carries (strings, maps, maps with a <c>toString</c> key,
/// vectors, nil) as text, without throwing and without markup.
/// </summary>
public sealed class DemoRenderingTests(DemoFixture fixture, ITestOutputHelper output) : IClassFixture<DemoFixture>
{
    private const float WaitMs = 15_000;

    [Fact]
    public async Task Chat_text_and_senders_of_any_shape_are_shown_as_text_without_page_errors()
    {
        var user = "rita-" + Guid.NewGuid().ToString("N")[..8];
        await using var browser = await fixture.Browser.NewContextAsync();
        var errors = new ConcurrentQueue<string>();
        var tab = await browser.NewPageAsync();
        tab.PageError += (_, e) => errors.Enqueue(e);
        tab.Console += (_, m) => output.WriteLine($"console.{m.Type}: {m.Text}");
        await tab.GotoAsync(fixture.BaseUri.ToString(), new() { Timeout = WaitMs });
        await Expect(tab.Locator("#state")).ToHaveTextAsync("open", new() { Timeout = WaitMs });
        await tab.Locator("input[name=user-id]").FillAsync(user);
        await tab.Locator("#login").ClickAsync();
        await Expect(tab.Locator("#uid")).ToHaveTextAsync(user, new() { Timeout = WaitMs });
        await Expect(tab.Locator("#state")).ToHaveTextAsync("open", new() { Timeout = WaitMs });

        // Typed by a user: the text is sent as a string and comes back as one.
        await tab.Locator("#to").FillAsync(user);
        await tab.Locator("#text").FillAsync("""{"toString":"x"}""");
        await tab.Locator("#send-button").ClickAsync();
        await Expect(tab.Locator("#log")).ToContainTextAsync($$"""{{user}}: {"toString":"x"}""", new() { Timeout = WaitMs });

        // Pushed by a server: maps (one with a toString key), a vector and nil where text is expected.
        var odd = EdnMap.Of(("toString", "x"));
        await fixture.Silo.Grains.GetUserGrain(user).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", odd), ("text", odd))), PushOptions.Flushed);
        await fixture.Silo.Grains.GetUserGrain(user).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", new EdnVector(new EdnString("<b>a</b>"), EdnValue.Nil)))), PushOptions.Flushed);
        await fixture.Silo.Grains.GetUserGrain(user).PushAsync(
            SenteEvent.Create("demo/presence", EdnMap.Of(("uid", odd), ("online", true))), PushOptions.Flushed);
        await fixture.Silo.Grains.GetUserGrain(user).PushAsync(
            SenteEvent.Create("chat/msg", EdnMap.Of(("from", "server"), ("text", "last"))), PushOptions.Flushed);

        await Expect(tab.Locator("#log")).ToContainTextAsync("server: last", new() { Timeout = WaitMs });
        var log = await tab.Locator("#log").InnerTextAsync();
        output.WriteLine(log);
        Assert.Contains("""{"toString":"x"}: {"toString":"x"}""", log, StringComparison.Ordinal);
        Assert.Contains("""server: ["<b>a</b>",null]""", log, StringComparison.Ordinal);
        Assert.Contains("""{"toString":"x"} is online""", log, StringComparison.Ordinal);
        Assert.Equal(0, await tab.Locator("#log b").CountAsync());
        Assert.Empty(errors);
    }
}
