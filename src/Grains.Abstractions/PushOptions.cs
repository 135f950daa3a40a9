namespace Orleans.Sente;

/// <summary>The transport a client is connected with.</summary>
[GenerateSerializer, Alias("sente.Transport")]
public enum SenteTransport
{
    WebSocket = 0,
    Ajax = 1,
}

/// <summary>
/// How a push is sent. <see cref="Flush"/> writes it at once rather than within the send buffer
/// window. <see cref="Durable"/> (user pushes only) keeps it in the user's offline inbox when the
/// user has no connected or parked client, to be delivered in order on the user's next connect;
/// a durable push to an offline user waits for that storage write, any other push never does.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.PushOptions")]
public sealed record PushOptions([property: Id(0)] bool Flush = false, [property: Id(1)] bool Durable = false)
{
    public static readonly PushOptions Default = new();
    public static readonly PushOptions Flushed = new(true);

    /// <summary>Kept for an offline user and delivered on the next connect.</summary>
    public static readonly PushOptions DurablePush = new(Durable: true);
}

/// <summary>
/// A durable push to an offline user could not be kept: its inbox's storage failed or did not answer
/// within <c>SenteGrainOptions.InboxKeepTimeout</c>. The push was not delivered; one whose storage
/// answered late may still have been kept.
/// </summary>
[GenerateSerializer, Alias("sente.InboxUnavailableException")]
public sealed class SenteInboxUnavailableException : Exception
{
    public SenteInboxUnavailableException()
    {
    }

    public SenteInboxUnavailableException(string message)
        : base(message)
    {
    }

    public SenteInboxUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
