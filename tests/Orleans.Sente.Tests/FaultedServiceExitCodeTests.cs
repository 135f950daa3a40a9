using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>A front end that stops because a background loop failed exits non-zero.</summary>
public sealed class FaultedServiceExitCodeTests
{
    [Fact]
    public async Task A_failed_background_service_stops_the_front_end_with_a_failure_exit_code()
    {
        await using var silo = await TestSilo.StartAsync(null);
        var fail = new FailingService();
        await using var frontEnd = await TestFrontEnd.StartAsync([silo], configureBuilder: b => b.Services.AddHostedService(_ => fail));
        var lifetime = frontEnd.App.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var _ = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        try
        {
            fail.Now.TrySetResult();
            await stopping.Task.WaitAsync(TestTimeouts.Frame);

            // What Run does once the host is stopping.
            await frontEnd.App.StopAsync().WaitAsync(TestTimeouts.Start);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    private sealed class FailingService : BackgroundService
    {
        public TaskCompletionSource Now { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Now.Task.WaitAsync(stoppingToken);
            throw new InvalidOperationException("a loop that failed");
        }
    }
}
