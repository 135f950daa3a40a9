using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Tests;

/// <summary>
/// With the CSRF check off and every origin allowed by default, any site a user visits could open
/// a channel as that user: the options refuse to start so, and say what to set.
/// </summary>
public sealed class CsrfOffValidationTests
{
    private const string Reason = "CSRF is off (CsrfTokenFn = null): set AllowedOrigins so cross-site pages cannot open connections as your users";

    [Fact]
    public void Csrf_off_with_open_origins_fails_at_start_with_the_reason()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Options(o => o.CsrfTokenFn = null));

        Assert.Contains(failure.Failures, f => f.Contains(Reason, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://site.example")]
    [InlineData("*")]
    public void Csrf_off_with_origins_chosen_starts(string origin)
    {
        var options = Options(o =>
        {
            o.CsrfTokenFn = null;
            o.AllowedOrigins = [origin];
        });

        Assert.Null(options.CsrfTokenFn);
    }

    [Fact]
    public void Csrf_on_with_open_origins_starts()
    {
        Assert.NotNull(Options(_ => { }).CsrfTokenFn);
    }

    private static SenteOptions Options(Action<SenteOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddOptions<SenteOptions>().Configure(configure);
        services.AddSingleton<IValidateOptions<SenteOptions>, SenteOptionsValidator>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SenteOptions>>().Value;
    }
}
