using Microsoft.Extensions.Logging;

namespace Sente.Grains;

/// <summary>
/// Calls this grain does not wait for (to presence shards, to front ends): their failures are
/// logged, never dropped silently; closing a replaced connection is retried, since a connection
/// left open would stay silent (its client no longer gets pushes there).
/// </summary>
internal sealed partial class UserGrain
{
    private static readonly TimeSpan[] CloseRetryDelays = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    private const string ReplacedReason = "replaced by a newer connection of this client";

    /// <summary>Logs the failure of a call nobody awaits.</summary>
    private void Observe(Task call, string operation)
    {
        if (!call.IsCompletedSuccessfully)
        {
            Unawaited.Observe(call, ((ILogger)logger, UserId, operation), static (s, e) => LogCallFailed(s.Item1, s.Item2, s.operation, e));
        }
    }

    /// <summary>Closes a connection that a newer one of the same client replaced, retrying a failed send.</summary>
    private void CloseReplaced(ClientRoute route) => Observe(CloseReplacedAsync(route), "close of a replaced connection");

    private async Task CloseReplacedAsync(ClientRoute route)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await route.FrontEnd.CloseAsync(route.ConnectionId, ReplacedReason);
                return;
            }
            catch (Exception e) when (attempt < CloseRetryDelays.Length && !directory.IsGone(route.FrontEndId))
            {
                LogCloseRetry(logger, UserId, route.ClientId, route.FrontEndId, route.ConnectionId, e);
                await Task.Delay(CloseRetryDelays[attempt]);
            }
        }
    }

    [LoggerMessage(EventId = 1130, Level = LogLevel.Warning, Message = "User {UserId}: {Operation} failed")]
    private static partial void LogCallFailed(ILogger logger, string? userId, string operation, Exception exception);

    [LoggerMessage(EventId = 1131, Level = LogLevel.Warning, Message = "User {UserId}: could not close replaced connection {ConnectionId} of client {ClientId} on front end {FrontEndId}; retrying")]
    private static partial void LogCloseRetry(ILogger logger, string? userId, string clientId, string frontEndId, long connectionId, Exception exception);

    [LoggerMessage(EventId = 1132, Level = LogLevel.Warning, Message = "User {UserId} deactivated ({Reason}) with {Connected} connected and {Parked} parked clients; {Held} held pushes lost, connected clients are found again by the next activation")]
    private static partial void LogDeactivatedWithClients(ILogger logger, string? userId, DeactivationReasonCode reason, int connected, int parked, int held);
}
