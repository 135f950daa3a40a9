using Orleans.Sente.Bench;
using Orleans.Sente.Bench.Processes;

// `render <results.json> [out-dir]`: rewrite results.md and the pictures from a saved run.
if (args is ["render", var json, ..])
{
    var saved = Orleans.Sente.Bench.Results.JsonResultsWriter.Deserialize(await File.ReadAllTextAsync(json))
        ?? throw new InvalidDataException(json);
    await BenchRunner.WriteAsync(saved, args.Length > 2 ? args[2] : Path.GetDirectoryName(Path.GetFullPath(json))!);
    return 0;
}

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
