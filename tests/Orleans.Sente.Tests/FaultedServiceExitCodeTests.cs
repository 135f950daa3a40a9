using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.Hosting;
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

    [Fact]
    public async Task SenteStartup_run_returns_the_fault_exit_code_when_a_background_loop_fails()
    {
        // What the silo's and the front end's Main return: Run blocks until the failure stops the host.
        var fail = new FailingService();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var run = Task.Run(() => SenteStartup.Run("test process", builder, b => b.Services.AddHostedService(_ => fail), _ => { }));
        fail.Now.TrySetResult();
        Assert.Equal(SenteStartup.FaultExitCode, await run.WaitAsync(TestTimeouts.Start));
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
