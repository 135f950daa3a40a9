using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.Hosting;

/// <summary>
/// Runs a silo or front end so that a failure (bad configuration, storage out of reach) ends
/// the process with exit code 1 and one line saying what is wrong, rather than a crash dump.
/// </summary>
public static class SenteStartup
{
    public static int Run(string role, WebApplicationBuilder builder, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        try
        {
            configure(builder);
            var app = builder.Build();
            map(app);
            app.Run();
            return 0;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{role} stopped: {Describe(e)}");
            return 1;
        }
    }

    /// <summary>What went wrong, in words: validation failures, or the chain of causes, without stack traces.</summary>
    internal static string Describe(Exception e) => e switch
    {
        OptionsValidationException invalid => string.Join(" ", invalid.Failures),
        AggregateException many => string.Join("; ", many.Flatten().InnerExceptions.Select(Describe).Distinct()),
        { InnerException: { } inner } when !e.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{e.Message} ({Describe(inner)})",
        _ => e.Message,
    };
}
