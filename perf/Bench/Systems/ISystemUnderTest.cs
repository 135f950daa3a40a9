using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Systems;

/// <summary>
/// A push system the benchmark can measure. An implementation starts the system's processes
/// (each printing a ready line on stdout, each exiting when its stdin closes) and says how
/// clients connect and how the driver pushes:
/// <list type="bullet">
/// <item>clients: one WebSocket URL template per front end, with <c>{uid}</c> for the user-id;
/// the receiver spreads clients evenly over them and speaks <see cref="ClientProtocol"/>;</item>
/// <item>pushes: a push-control WebSocket (<c>PushFrame</c> format) on one front end; each frame is
/// one push to every client of a user, acknowledged when the system has accepted it.</item>
/// </list>
/// </summary>
internal interface ISystemUnderTest
{
    /// <summary>Short id, used on the command line and in results (e.g. <c>signalr-redis</c>).</summary>
    string Name { get; }

    /// <summary>One line for the results table.</summary>
    string Description { get; }

    /// <summary>A receiver protocol name understood by the load generator (<c>raw</c>, <c>signalr-json</c>).</summary>
    string ClientProtocol { get; }

    /// <summary>True when the system has a process whose loss its clients can survive (scenario S5).</summary>
    bool SupportsKill { get; }

    /// <summary>
    /// True for a variant that differs from another system only in how pushes are sent: <c>--smoke</c>
    /// runs only its load scenarios, so the smoke of every system stays short.
    /// </summary>
    bool SmokeLoadOnly => false;

    Task<SystemDeployment> StartAsync(SystemContext context, CancellationToken ct);
}
