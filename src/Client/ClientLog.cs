using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Client;

/// <summary>The client's log messages.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Connecting by WebSocket to {Uri}")]
    public static partial void WebSocketConnecting(ILogger logger, Uri uri);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Connecting client {ClientId} over {Transport}")]
    public static partial void Connecting(ILogger logger, string clientId, SenteClientTransport transport);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Client {ClientId} open over {Transport}, user {UserId}")]
    public static partial void Opened(ILogger logger, string clientId, SenteClientTransport transport, string? userId);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Client {ClientId} closed ({Reason}): {Detail}")]
    public static partial void Closed(ILogger logger, string clientId, SenteCloseReason reason, string? detail);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Debug, Message = "Client {ClientId} could not connect ({Reason}): {Detail}")]
    public static partial void AttemptFailed(ILogger logger, string clientId, SenteCloseReason reason, string? detail);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Client {ClientId}: the WebSocket never opened; using Ajax from now on")]
    public static partial void Downgrading(ILogger logger, string clientId);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Client {ClientId} reconnects in {Delay} (attempt {Attempt})")]
    public static partial void Retrying(ILogger logger, string clientId, TimeSpan delay, int attempt);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "Client {ClientId} stopped connecting: {Problem}")]
    public static partial void GaveUp(ILogger logger, string clientId, string problem);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "Client {ClientId}: the connection loop failed")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string clientId);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "No pong within {Timeout}: closing the WebSocket")]
    public static partial void PingTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug, Message = "Could not answer the server's ping: {Problem}")]
    public static partial void PongFailed(ILogger logger, string problem);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Dropped an unreadable frame: {Problem}")]
    public static partial void UnreadableFrame(ILogger logger, string problem);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Warning, Message = "Ignored an unexpected {Kind} frame: {Payload}")]
    public static partial void UnexpectedFrame(ILogger logger, string kind, string payload);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Error, Message = "A handler of {EventId} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string eventId);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Error, Message = "A StateChanged listener failed")]
    public static partial void StateListenerFailed(ILogger logger, Exception exception);
}
