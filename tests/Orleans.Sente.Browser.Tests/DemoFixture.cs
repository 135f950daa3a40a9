using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Tests.Infrastructure;
using Orleans.Sente.WebFrontend.Demo;

namespace Orleans.Sente.Browser.Tests;

/// <summary>A silo, a front end serving the demo chat (session user-ids), and a headless Chromium.</summary>
public sealed class DemoFixture : IAsyncLifetime
{
    private TestSilo? _silo;
    private TestFrontEnd? _frontEnd;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Not started.");

    public Uri BaseUri => _frontEnd?.BaseUri ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        // Chromium first: without it there is nothing to test, and the message says why.
        _playwright = await Playwright.CreateAsync();
        _browser = await SystemChromium.LaunchAsync(_playwright);
        _silo = await TestSilo.StartAsync(null);
        _frontEnd = await StartFrontEndAsync();
    }

    /// <summary>The silo, for pushes from the test.</summary>
    internal TestSilo Silo => _silo ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts a front end serving the demo, on the given port (0: any free port).</summary>
    internal Task<TestFrontEnd> StartFrontEndAsync(int port = 0) =>
        TestFrontEnd.StartAsync(
            [Silo],
            configure: o =>
            {
                o.UserIdFn = SenteUserIds.SessionUid;
                o.CsrfTokenFn = SenteCsrf.SessionToken;
            },
            configureBuilder: b => b.Services.AddSenteDemo(),
            map: app =>
            {
                app.UseSession();
                app.MapSenteDemo();
            },
            port: port);

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (_frontEnd is not null)
        {
            await _frontEnd.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}
