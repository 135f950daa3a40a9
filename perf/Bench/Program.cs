using Orleans.Sente.Bench;
using Orleans.Sente.Bench.Processes;

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

ProcessRegistry.InstallExitHandlers();
FileLimits.Raise();
using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

try
{
    return await BenchRunner.RunAsync(options, string.Join(' ', args), cts.Token);
}
finally
{
    ProcessRegistry.KillAll();
}
