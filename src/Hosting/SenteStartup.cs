using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.Hosting;

/// <summary>
/// Runs a silo or front end so that a failure (bad configuration, storage out of reach, a
/// background loop that failed) ends the process with exit code 1 and one line saying what is
/// wrong, rather than a crash dump or a clean-looking exit 0.
/// </summary>
public static class SenteStartup
{
    /// <summary>The exit code of a process that stopped because of a fault.</summary>
    public const int FaultExitCode = 1;

    public static int Run(string role, WebApplicationBuilder builder, Action<WebApplicationBuilder> configure, Action<WebApplication> map)
    {
        try
        {
            configure(builder);
            var app = builder.Build();
            map(app);

            // Looked up before Run, which disposes the services when it returns.
            var background = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToArray();
            app.Run();

            // A host stopped by a failed background service returns from Run normally; the process
            // must still exit non-zero, or a supervisor's restart-on-failure would not restart it.
            if (background.FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true }) is { } failed)
            {
                Console.Error.WriteLine($"{role} stopped: {failed.GetType().Name} failed: {Describe(failed.ExecuteTask!.Exception!.GetBaseException())}");
                return FaultExitCode;
            }

            return Environment.ExitCode;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{role} stopped: {Describe(e)}");
            return FaultExitCode;
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
