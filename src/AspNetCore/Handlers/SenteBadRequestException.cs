namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Thrown when an event's data is not what its handler accepts. Typed handlers throw it when the
/// data does not bind; a handler may throw it too (a field out of range). The client's callback
/// gets <c>{:error "bad-request" :message "..."}</c> (<see cref="SenteBinding.BadRequestReply"/>),
/// the event is logged and counted, and the connection lives on.
/// </summary>
public sealed class SenteBadRequestException : Exception
{
    public SenteBadRequestException(string message)
        : base(message)
    {
    }

    public SenteBadRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
