using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Sente.AspNetCore;

/// <summary><c>services.AddHealthChecks().AddSenteFrontEnd(...)</c>: the front end's readiness.</summary>
public static class SenteHealthChecksBuilderExtensions
{
    /// <summary>
    /// Healthy once this front end has registered with the front-end registry, so grains can reach
    /// its sockets (and in a process without a Sente endpoint). Tag it with the tag your readiness
    /// endpoint runs.
    /// </summary>
    public static IHealthChecksBuilder AddSenteFrontEnd(
        this IHealthChecksBuilder builder, string name = "front-end", IEnumerable<string>? tags = null, TimeSpan? timeout = null) =>
        builder.AddCheck<FrontEndHealthCheck>(name, tags: tags, timeout: timeout);
}
