using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Makes a process that stops because a <see cref="BackgroundService"/> failed exit non-zero.
/// With <c>BackgroundServiceExceptionBehavior.StopHost</c> (the default, kept: a front end whose
/// loops have died must not look alive) .NET 10 stops the host, but <c>Run</c> returns normally
/// and the process would exit 0, which an orchestrator reads as a clean stop and may not restart.
/// On stop this sets <see cref="Environment.ExitCode"/> to 1 when any background service faulted.
/// </summary>
internal sealed partial class FaultedServiceExitCode(IServiceProvider services, ILogger<FaultedServiceExitCode> logger) : IHostedService
{
    public const int FaultExitCode = 1;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var service in services.GetServices<IHostedService>())
        {
            if (service is BackgroundService { ExecuteTask: { IsFaulted: true } task })
            {
                LogFaulted(logger, task.Exception?.GetBaseException(), service.GetType().Name);
                Environment.ExitCode = FaultExitCode;
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Critical, Message = "Background service {Service} failed; the process stops with a failure exit code")]
    private static partial void LogFaulted(ILogger logger, Exception? exception, string service);
}
