using System.Collections.Immutable;
using Orleans.Sente.Routing;

namespace Orleans.Sente.Serialization;

/// <summary>
/// How a <see cref="Delivery"/> crosses from a silo to a front end: one byte array, written in
/// <see cref="SenteEventBinary"/>'s form. Flags (flush, has sequences, has push ids, has a trace
/// parent), the epoch, the connection count, then per connection its id, sequence and push id (as
/// the flags say), the trace parent, and the event last. One array rather than three immutable
/// arrays and an event surrogate: the fields of every delivery cost the silo and the front end a
/// surrogate conversion each otherwise, which a profile of the saturated benchmark put at about
/// 8 % of a silo's CPU and 7 % of a front end's.
/// </summary>
[GenerateSerializer, Alias("sente.delivery")]
internal struct DeliverySurrogate
{
    [Id(0)]
    public byte[] Bytes;
}

[RegisterConverter]
internal sealed class DeliverySurrogateConverter : IConverter<Delivery, DeliverySurrogate>
{
    [Flags]
    private enum Has : byte
    {
        Flush = 1,
        Sequences = 2,
        PushIds = 4,
        TraceParent = 8,
    }

    public DeliverySurrogate ConvertToSurrogate(in Delivery value) =>
        new() { Bytes = SenteEventBinary.Write(value, static (in SenteEventBinary.Writer writer, Delivery delivery) => Write(writer, delivery)) };

    public Delivery ConvertFromSurrogate(in DeliverySurrogate surrogate)
    {
        var reader = new SenteEventBinary.Reader(surrogate.Bytes);
        var has = (Has)reader.Byte();
        var epoch = reader.VarLong();
        var count = reader.Count();
        var connections = ImmutableArray.CreateBuilder<long>(count);
        var sequences = has.HasFlag(Has.Sequences) ? ImmutableArray.CreateBuilder<long>(count) : null;
        var pushIds = has.HasFlag(Has.PushIds) ? ImmutableArray.CreateBuilder<long>(count) : null;
        for (var i = 0; i < count; i++)
        {
            connections.Add(reader.VarLong());
            sequences?.Add(reader.VarLong());
            pushIds?.Add(reader.VarLong());
        }

        var traceParent = has.HasFlag(Has.TraceParent) ? reader.Text() : null;
        var @event = reader.Event();
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("Bytes left over after a delivery.");
        }

        return new Delivery(
            connections.MoveToImmutable(),
            @event,
            has.HasFlag(Has.Flush),
            sequences?.MoveToImmutable() ?? default,
            epoch,
            pushIds?.MoveToImmutable() ?? default,
            traceParent);
    }

    private static void Write(in SenteEventBinary.Writer writer, Delivery delivery)
    {
        var count = delivery.ConnectionIds.IsDefault ? 0 : delivery.ConnectionIds.Length;
        var sequences = Present(delivery.Sequences, count, nameof(Delivery.Sequences));
        var pushIds = Present(delivery.PushIds, count, nameof(Delivery.PushIds));
        var has = (delivery.Flush ? Has.Flush : 0)
            | (sequences ? Has.Sequences : 0)
            | (pushIds ? Has.PushIds : 0)
            | (delivery.TraceParent is null ? 0 : Has.TraceParent);
        writer.Byte((byte)has);
        writer.VarLong(delivery.Epoch);
        writer.VarLong(count);
        for (var i = 0; i < count; i++)
        {
            writer.VarLong(delivery.ConnectionIds[i]);
            if (sequences)
            {
                writer.VarLong(delivery.Sequences[i]);
            }

            if (pushIds)
            {
                writer.VarLong(delivery.PushIds[i]);
            }
        }

        if (delivery.TraceParent is { } traceParent)
        {
            writer.Text(traceParent);
        }

        if (delivery.EventBinary is { } binary)
        {
            writer.Raw(binary);
        }
        else
        {
            writer.Event(delivery.Event);
        }
    }

    /// <summary>Whether a per-connection column is there: empty or one value per connection, nothing in between.</summary>
    private static bool Present(ImmutableArray<long> column, int count, string name)
    {
        if (column.IsDefaultOrEmpty)
        {
            return false;
        }

        return column.Length == count
            ? true
            : throw new ArgumentException($"A delivery to {count} connections with {column.Length} {name}.", nameof(column));
    }
}
