using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Tests;

/// <summary>
/// Every log event of the server side has an event id of its own, so that an operator can filter
/// or alert on one kind of event (a lapsed lease, a dropped push) whatever its message says.
/// </summary>
public sealed class LogEventIdTests
{
    private static readonly string[] ServerAssemblies =
        ["Orleans.Sente.Grains", "Orleans.Sente.AspNetCore", "Orleans.Sente.Hosting", "Orleans.Sente.WebFrontend"];

    [Fact]
    public void Every_server_log_event_has_an_event_id_no_other_event_uses()
    {
        var events = ServerAssemblies
            .Select(Assembly.Load)
            .SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Select(m => (Method: $"{m.DeclaringType!.FullName}.{m.Name}", Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .ToList();

        Assert.True(events.Count > 50, $"found only {events.Count} log events");
        Assert.All(events, e => Assert.True(e.Attribute!.EventId > 0, $"{e.Method} has no event id"));
        var shared = events.GroupBy(e => e.Attribute!.EventId).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Method))}")
            .ToList();
        Assert.Empty(shared);
    }
}
