using System.Collections.Immutable;
using System.Numerics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Serialization;
using Orleans.Serialization;

namespace Orleans.Sente.Tests;

/// <summary>A delivery crosses from a silo to a front end as one byte array: every field comes back as it was.</summary>
public sealed class DeliverySerializationTests
{
    private readonly Serializer _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static readonly SenteEvent Rich = new(
        EdnKeyword.Parse("chat/message"),
        new EdnMap(
        [
            new(EdnKeyword.Parse("text"), new EdnString("héllo \U0001F600 \0 /#?")),
            new(EdnKeyword.Parse("n"), new EdnLong(long.MinValue)),
            new(EdnKeyword.Parse("big"), new EdnBigInt(BigInteger.Pow(10, 40))),
            new(EdnKeyword.Parse("tags"), new EdnSet([new EdnString("a"), EdnValue.Nil, EdnBool.True])),
            new(EdnKeyword.Parse("at"), new EdnInst(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))),
        ]));

    private static readonly Delivery[] Cases =
    [
        new Delivery([7], SenteEvent.Create("test/plain"), false),
        new Delivery([1, long.MaxValue, -3], Rich, true, [1, 2, 3], (1L << 60) + 5, [10, 20, 30]),
        new Delivery([42], Rich, false, [9], 77, default, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
        new Delivery([5, 6], new SenteEvent(EdnKeyword.Parse("x/y"), EdnValue.Nil), true, default, 0, [1, 2]),
    ];

    public static TheoryData<int> Deliveries() => [.. Enumerable.Range(0, Cases.Length)];

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void A_delivery_comes_back_with_every_field_as_it_was(int index)
    {
        var delivery = Cases[index];
        var back = _serializer.Deserialize<Delivery>(_serializer.SerializeToArray(delivery))!;

        Assert.Equal(delivery.ConnectionIds.ToArray(), back.ConnectionIds.ToArray());
        Assert.Equal(delivery.Event, back.Event);
        Assert.Equal(delivery.Flush, back.Flush);
        Assert.Equal(delivery.Sequences.IsDefaultOrEmpty, back.Sequences.IsDefaultOrEmpty);
        Assert.Equal(delivery.Sequences.IsDefaultOrEmpty ? [] : delivery.Sequences.ToArray(), back.Sequences.IsDefaultOrEmpty ? [] : back.Sequences.ToArray());
        Assert.Equal(delivery.Epoch, back.Epoch);
        Assert.Equal(delivery.PushIds.IsDefaultOrEmpty ? [] : delivery.PushIds.ToArray(), back.PushIds.IsDefaultOrEmpty ? [] : back.PushIds.ToArray());
        Assert.Equal(delivery.TraceParent, back.TraceParent);
    }

    [Theory]
    [MemberData(nameof(Deliveries))]
    public void A_delivery_whose_event_the_grain_wrote_already_crosses_as_the_same_bytes(int index)
    {
        var delivery = Cases[index];
        var prewritten = delivery with { EventBinary = SenteEventBinary.Write(delivery.Event) };

        var bytes = _serializer.SerializeToArray(prewritten);

        Assert.Equal(_serializer.SerializeToArray(delivery), bytes);
        Assert.Equal(delivery.Event, _serializer.Deserialize<Delivery>(bytes)!.Event);
    }

    [Fact]
    public void A_message_of_many_deliveries_comes_back_in_order()
    {
        var batch = Enumerable.Range(1, 300).Select(i => new Delivery([i], SenteEvent.Create("test/n", new EdnLong(i)), i % 2 == 0, [i], 1, [i])).ToImmutableArray();

        var back = _serializer.Deserialize<ImmutableArray<Delivery>>(_serializer.SerializeToArray(batch));

        Assert.Equal(batch.Select(d => (d.ConnectionIds[0], ((EdnLong)d.Event.Data!).Value, d.Flush)), back.Select(d => (d.ConnectionIds[0], ((EdnLong)d.Event.Data!).Value, d.Flush)));
    }

    [Fact]
    public void A_delivery_whose_columns_do_not_match_its_connections_is_refused_when_sent()
    {
        var broken = new Delivery([1, 2], SenteEvent.Create("test/x"), false, [1]);

        var e = Assert.ThrowsAny<Exception>(() => _serializer.SerializeToArray(broken));

        Assert.Contains("Sequences", (e.InnerException ?? e).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delivery_cut_short_on_the_way_is_an_error_not_a_wrong_delivery()
    {
        var bytes = _serializer.SerializeToArray(new Delivery([1, 2], Rich, true, [1, 2], 3, [4, 5]));

        // Every cut that leaves the outer message readable must fail, never yield a delivery.
        var refused = 0;
        for (var length = 1; length < bytes.Length; length++)
        {
            try
            {
                _serializer.Deserialize<Delivery>(bytes.AsSpan(0, length).ToArray());
            }
            catch (Exception)
            {
                refused++;
            }
        }

        Assert.Equal(bytes.Length - 1, refused);
    }

    [Fact]
    public void A_copy_inside_one_process_is_the_same_object()
    {
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var delivery = new Delivery([1], Rich, false);

        Assert.Same(delivery, services.GetRequiredService<DeepCopier>().Copy(delivery));
    }
}
