namespace Orleans.Sente.Client;

/// <summary>How a send or request failed.</summary>
public enum SenteRequestFailure
{
    /// <summary>The client was not open when sending, or the connection dropped while the request was pending (Sente's <c>:chsk/closed</c>).</summary>
    Closed,

    /// <summary>No reply within the timeout, or the server's Ajax handler did not reply within its <c>lp-timeout</c> (<c>:chsk/timeout</c>).</summary>
    Timeout,

    /// <summary>The WebSocket refused the frame, or an Ajax POST failed: an HTTP error, a network error, an unreadable body (<c>:chsk/error</c>).</summary>
    Error,
}

/// <summary>A send or request that did not get through, or got no reply.</summary>
public sealed class SenteRequestException : Exception
{
    /// <summary>Makes the exception for a failure, with an optional underlying cause.</summary>
    public SenteRequestException(SenteRequestFailure reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    /// <summary>Closed, Timeout or Error.</summary>
    public SenteRequestFailure Reason { get; }
}

/// <summary>
/// <see cref="SenteClient.ConnectAsync"/> gave up: the server refused the client (an HTTP status
/// such as 400, 401 or 403 on the first connection), or the reconnect policy stopped retrying.
/// </summary>
public sealed class SenteConnectException(string message, int? statusCode = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The HTTP status that refused the connection, if one did.</summary>
    public int? StatusCode { get; } = statusCode;
}
