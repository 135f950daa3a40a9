using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Orleans.Sente.Bench.Processes;

/// <summary>Every child still running, killed when the harness exits, is interrupted or is terminated.</summary>
internal static class ProcessRegistry
{
    private static readonly HashSet<Process> Running = [];
    private static readonly List<PosixSignalRegistration> Signals = [];

    public static void InstallExitHandlers()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
        foreach (var signal in new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            Signals.Add(PosixSignalRegistration.Create(signal, _ => KillAll()));
        }
    }

    public static void Add(Process process)
    {
        lock (Running)
        {
            Running.Add(process);
        }
    }

    public static void Remove(Process process)
    {
        lock (Running)
        {
            Running.Remove(process);
        }
    }

    public static void KillAll()
    {
        Process[] all;
        lock (Running)
        {
            all = [.. Running];
            Running.Clear();
        }

        foreach (var process in all)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
            }
        }
    }
}
