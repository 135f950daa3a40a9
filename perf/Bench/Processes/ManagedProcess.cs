using System.Diagnostics;
using System.Threading.Channels;

namespace Orleans.Sente.Bench.Processes;

/// <summary>
/// A child process the harness owns: stdout lines are awaited with bounded timeouts, stdin
/// carries commands (and its closing tells the child to exit), CPU and RSS come from /proc.
/// </summary>
internal sealed class ManagedProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(3);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly Queue<string> _tail = new();

    private readonly bool _exitsOnStdinClose;

    private ManagedProcess(string role, bool isSystem, Process process, bool exitsOnStdinClose)
    {
        Role = role;
        IsSystem = isSystem;
        _process = process;
        _exitsOnStdinClose = exitsOnStdinClose;
    }

    /// <summary>What this process is, e.g. "server A", "redis", "receiver".</summary>
    public string Role { get; }

    /// <summary>True for the system under test (servers, backplanes); false for load generators.</summary>
    public bool IsSystem { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The last successful reading, kept so a killed process still has figures.</summary>
    public ProcSample LastSample { get; private set; }

    /// <summary>
    /// Starts a child. <paramref name="exitsOnStdinClose"/> false: the program does not read stdin
    /// (redis-server), so disposing it kills it at once rather than waiting out the grace period.
    /// </summary>
    public static ManagedProcess Start(string role, bool isSystem, string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, bool exitsOnStdinClose = true)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var managed = new ManagedProcess(role, isSystem, process, exitsOnStdinClose);
        process.OutputDataReceived += (_, e) => managed.OnLine(e.Data, toChannel: true);
        process.ErrorDataReceived += (_, e) => managed.OnLine(e.Data, toChannel: false);
        process.Exited += (_, _) => managed._lines.Writer.TryComplete();
        process.Start();
        ProcessRegistry.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return managed;
    }

    /// <summary>Waits for the first stdout line that <paramref name="match"/> accepts; fails on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{Role} printed no expected line within {timeout.TotalSeconds:0} s. Last output:\n{Tail()}");
        }

        throw new InvalidOperationException($"{Role} exited (code {ExitCodeOrNull()}) before the expected line. Last output:\n{Tail()}");
    }

    public Task<string> WaitForPrefixAsync(string prefix, TimeSpan timeout, CancellationToken ct) =>
        WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), timeout, ct);

    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Samples /proc; after the process is gone, returns the last reading.</summary>
    public ProcSample Sample()
    {
        if (!_process.HasExited && ProcStat.TryRead(_process.Id) is { } sample)
        {
            LastSample = sample;
        }

        return LastSample;
    }

    /// <summary>SIGKILL, as a crash would: no goodbye to anyone.</summary>
    public void Kill()
    {
        Sample();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public string Tail()
    {
        lock (_tail)
        {
            return string.Join('\n', _tail);
        }
    }

    /// <summary>Closes stdin (the polite stop), then kills whatever is left after a grace period (at once if it does not read stdin).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited && _exitsOnStdinClose)
            {
                _process.StandardInput.Close();
                using var grace = new CancellationTokenSource(ExitGrace);
                await _process.WaitForExitAsync(grace.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        ProcessRegistry.Remove(_process);
        _process.Dispose();
    }

    private void OnLine(string? line, bool toChannel)
    {
        if (line is null)
        {
            return;
        }

        lock (_tail)
        {
            _tail.Enqueue(line.Length > 300 ? line[..300] + "..." : line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }

        if (toChannel)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    private int? ExitCodeOrNull() => _process.HasExited ? _process.ExitCode : null;
}
