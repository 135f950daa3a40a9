using Microsoft.Extensions.Options;

namespace Orleans.Sente.AspNetCore;

/// <summary>Checks every option at start and reports all failures at once.</summary>
internal sealed class SenteOptionsValidator : IValidateOptions<SenteOptions>
{
    /// <summary>Sente's Ajax client gives up on a request after 60 s.</summary>
    internal static readonly TimeSpan ClientAjaxTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Smaller would close ordinary clients that only fell one handshake and a ping behind.</summary>
    internal const int MinSendBufferLimitBytes = 64 * 1024;

    public ValidateOptionsResult Validate(string? name, SenteOptions options)
    {
        var failures = new List<string>();
        Positive(options.WsKeepAlive, nameof(options.WsKeepAlive), failures);
        Positive(options.WsPingTimeout, nameof(options.WsPingTimeout), failures);
        Positive(options.LpTimeout, nameof(options.LpTimeout), failures);
        Positive(options.AjaxSessionTimeout, nameof(options.AjaxSessionTimeout), failures);
        if (options.SendBufWs < TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.SendBufWs)} must not be negative.");
        }

        if (options.SendBufAjax < TimeSpan.Zero)
        {
            failures.Add($"{nameof(options.SendBufAjax)} must not be negative.");
        }

        // A poll held longer than the client waits would be answered to nobody: the client
        // would time out, reconnect, and miss what the server wrote into the dead request.
        if (options.LpTimeout >= ClientAjaxTimeout)
        {
            failures.Add($"{nameof(options.LpTimeout)} ({options.LpTimeout.TotalMilliseconds} ms) must be below the Sente client's 60 s Ajax timeout.");
        }

        if (options.MaxMessageBytes < 256)
        {
            failures.Add($"{nameof(options.MaxMessageBytes)} must be at least 256.");
        }

        if (options.MaxEventsPerSecond < 1)
        {
            failures.Add($"{nameof(options.MaxEventsPerSecond)} must be at least 1.");
        }

        if (options.SendQueueLimit < 1)
        {
            failures.Add($"{nameof(options.SendQueueLimit)} must be at least 1.");
        }

        if (options.SendBufferLimitBytes < MinSendBufferLimitBytes)
        {
            failures.Add($"{nameof(options.SendBufferLimitBytes)} must be at least {MinSendBufferLimitBytes} bytes.");
        }

        Positive(options.WriteTimeout, nameof(options.WriteTimeout), failures);

        if (options.Packers.Count == 0)
        {
            failures.Add("At least one packer is needed.");
        }
        else if (options.Packers.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != options.Packers.Count)
        {
            failures.Add("Two packers share a name.");
        }

        // Without the CSRF check, only the origin check keeps a page of another site from opening
        // a channel with the user's cookies; AllowedOrigins = ["*"] says every origin on purpose
        // (a front end whose user-id comes from no cookie).
        if (options.CsrfTokenFn is null && options.AllowedOrigins is null)
        {
            failures.Add($"CSRF is off ({nameof(options.CsrfTokenFn)} = null): set {nameof(options.AllowedOrigins)} so cross-site pages cannot open connections as your users (or [\"{SenteRequestChecks.AnyOrigin}\"] to allow every origin on purpose).");
        }

        if (options.AllowedOrigins is { } origins)
        {
            foreach (var origin in origins)
            {
                if (origin != SenteRequestChecks.AnyOrigin && !SenteRequestChecks.TryNormalizeOrigin(origin, out _))
                {
                    failures.Add($"{nameof(options.AllowedOrigins)}: '{origin}' is not an origin (scheme://host[:port]).");
                }
            }
        }

        if (options.UserIdFn is null)
        {
            failures.Add($"{nameof(options.UserIdFn)} is required.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Positive(TimeSpan value, string name, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add($"{name} must be positive.");
        }
    }
}
