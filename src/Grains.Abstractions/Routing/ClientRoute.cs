using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Routing;

/// <summary>
/// Where one client's socket lives: which front end (and its observer), which connection
/// on it, which transport, and which user. A front end attaches it to the client's user grain,
/// which keeps it to fan pushes out.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.ClientRoute")]
internal sealed record ClientRoute(
    [property: Id(0)] string FrontEndId,
    [property: Id(1)] long ConnectionId,
    [property: Id(2)] SenteTransport Transport,
    [property: Id(3)] string? UserId,
    [property: Id(4)] string ClientId,
    [property: Id(5)] IFrontEndObserver FrontEnd);

/// <summary>
/// One push on its way to the connections of one front end: the event, the connections to
/// write it to, and whether to flush the send buffer at once.
/// </summary>
/// <remarks>
/// Messages from a grain to a front end may overtake each other (a client of several gateways
/// is reached along several paths), so each connection's pushes carry a sequence number,
/// counted from 1 within an <see cref="Epoch"/> (one activation of the sending user grain);
/// the front end puts them back in order. A sequence number of 0 means unordered.
/// <see cref="TraceParent"/> is the W3C trace context of the push's fan-out span, when traced:
/// one message to a front end carries pushes of many traces, so each delivery carries its own.
/// Crosses the cluster as one byte array (<see cref="Serialization.DeliverySurrogateConverter"/>);
/// <see cref="EventBinary"/>, when the sender has it, is <see cref="Event"/> already written in that
/// array's form (the user grain keeps pushes so in its replay windows), and is copied in as it is.
/// </remarks>
[Immutable, Alias("sente.Delivery")]
internal sealed record Delivery(
    ImmutableArray<long> ConnectionIds,
    SenteEvent Event,
    bool Flush,
    ImmutableArray<long> Sequences = default,
    long Epoch = 0,
    ImmutableArray<long> PushIds = default,
    string? TraceParent = null)
{
    /// <summary><see cref="Event"/> in <see cref="Serialization.SenteEventBinary"/>'s form, when the sender made it already; not itself sent.</summary>
    public byte[]? EventBinary { get; init; }
}

/// <summary>
/// What a client last received from its user grain: the grain's epoch (one activation) and the
/// client's push id, counted from 1 per client within the epoch and kept across its connections.
/// On the wire <c>epoch:push-id</c>, in decimal: the <c>[:chsk/resume ...]</c> mark that ends each
/// push frame to a client that asked for marks, and the <c>resume</c> parameter it reconnects with.
/// A mark may go on, after a <c>~</c>, with the client's positions in its groups (read by the front
/// end, docs/groups.md); this is the part before it.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.ResumePoint")]
internal sealed record ResumePoint([property: Id(0)] long Epoch, [property: Id(1)] long PushId)
{
    /// <summary>The query parameter: empty on a first connect (marks wanted, nothing received), else <c>epoch:push-id</c>.</summary>
    public const string Param = "resume";

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Epoch}:{PushId}");

    /// <summary>The character after which a mark carries the client's group positions.</summary>
    public const char GroupsSeparator = '~';

    /// <summary>Reads <c>epoch:push-id</c> (up to a <c>~</c>, if any); null for anything else (an empty value included).</summary>
    public static ResumePoint? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var own = text.AsSpan();
        if (own.IndexOf(GroupsSeparator) is >= 0 and var groups)
        {
            own = own[..groups];
        }

        var colon = own.IndexOf(':');
        return colon > 0
            && long.TryParse(own[..colon], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch)
            && long.TryParse(own[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pushId)
                ? new ResumePoint(epoch, pushId)
                : null;
    }
}
