using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Routing;

/// <summary>
/// What a front end hands back when an Ajax session of its own is taken over by a newer
/// connection of the same client (the next poll landed elsewhere): the pushes it accepted but
/// never wrote into a poll, in order, and the last sequence number it admitted from the given
/// epoch. The user grain re-sends those pushes, then whatever it sent after that sequence (still
/// in flight to the old front end), to the new connection.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.AjaxHandover")]
internal sealed record AjaxHandover(
    [property: Id(0)] ImmutableArray<SenteEvent> Unsent,
    [property: Id(1)] long Epoch,
    [property: Id(2)] long AdmittedThrough)
{
    public static readonly AjaxHandover Nothing = new([], 0, 0);
}
