namespace Orleans.Sente.Client;

/// <summary>Why a connection of a <see cref="SenteClient"/> closed.</summary>
public enum SenteCloseReason
{
    /// <summary><see cref="SenteClient.DisconnectAsync"/> (or disposal) closed it.</summary>
    RequestedDisconnect,

    /// <summary><see cref="SenteClient.ReconnectAsync"/> closed it to open a new one.</summary>
    RequestedReconnect,

    /// <summary>In <see cref="SenteClientTransport.Auto"/> mode the WebSocket never opened: the client moved to Ajax.</summary>
    DowngradingWsToAjax,

    /// <summary>The server closed the connection, the network dropped it, or a poll failed.</summary>
    Unexpected,

    /// <summary>The WebSocket reported an error.</summary>
    WsError,

    /// <summary>The client's keep-alive ping got no <c>"pong"</c> within <see cref="SenteClientOptions.WsPingTimeout"/>.</summary>
    WsPingTimeout,

    /// <summary>The WebSocket did not deliver the handshake within <see cref="SenteClientOptions.WsConnectTimeout"/>.</summary>
    WsConnectTimeout,
}

/// <summary>
/// The last close of a connection: when, why, and what the server or the network said
/// (a WebSocket close description such as <c>replaced by a newer connection of this client</c>,
/// an HTTP status, an exception message), if anything.
/// </summary>
public sealed record SenteClose(DateTimeOffset At, SenteCloseReason Reason, string? Detail = null);
