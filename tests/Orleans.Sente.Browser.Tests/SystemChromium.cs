using Microsoft.Playwright;

namespace Orleans.Sente.Browser.Tests;

/// <summary>
/// The system's Chromium (Debian's <c>chromium</c> package, installed by <c>scripts/install.sh</c>),
/// driven by Playwright. Playwright never downloads a browser here.
/// </summary>
internal static class SystemChromium
{
    /// <summary>Overrides <see cref="DefaultPath"/>.</summary>
    public const string PathVariable = "SENTE_CHROMIUM";

    /// <summary>The binary itself: it starts faster than the <c>/usr/bin/chromium</c> wrapper.</summary>
    public const string DefaultPath = "/usr/lib/chromium/chromium";

    private static readonly string[] Args =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    /// <summary>Launches Chromium; throws (the tests fail, never skip) when it is not installed.</summary>
    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        var path = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } p ? p : DefaultPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Chromium not found at {path}. The browser tests need it: install Debian's chromium package " +
                $"(scripts/install.sh does), or set {PathVariable} to a Chromium binary.", path);
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = Args,
            Timeout = 60_000,
        });
    }
}
