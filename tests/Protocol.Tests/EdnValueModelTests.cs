using System.Collections.Immutable;
using static Orleans.Sente.Protocol.Tests.V;

namespace Orleans.Sente.Protocol.Tests;

public sealed class EdnValueModelTests
{
    private static EdnMap BigMap(int count, int offset = 0) =>
        EdnMap.Create(Enumerable.Range(0, count).Select(i => KeyValuePair.Create<EdnValue, EdnValue>(K($"k{i}"), i + offset)));

    [Fact]
    public void Large_maps_look_up_and_compare_regardless_of_order()
    {
        var map = BigMap(1000);
        Assert.Equal(new EdnLong(999), map["k999"]);
        Assert.False(map.ContainsKey(K("nope")));
        var reversed = EdnMap.Create(map.Reverse());
        Assert.Equal(map, reversed);
        Assert.Equal(map.GetHashCode(), reversed.GetHashCode());
        Assert.NotEqual(map, BigMap(1000, offset: 1));
    }

    [Fact]
    public void A_copy_made_with_with_does_not_reuse_the_old_lookup_index()
    {
        var map = BigMap(20);
        Assert.Equal(new EdnLong(5), map["k5"]);
        var other = map with { Entries = BigMap(20, offset: 100).Entries };
        Assert.Equal(new EdnLong(105), other["k5"]);

        var set = EdnSet.Create(Enumerable.Range(0, 20).Select(i => (EdnValue)i));
        Assert.True(set.Contains(new EdnLong(5)));
        var shifted = set with { Items = [.. Enumerable.Range(100, 20).Select(i => (EdnValue)i)] };
        Assert.False(shifted.Contains(new EdnLong(5)));
        Assert.True(shifted.Contains(new EdnLong(105)));
    }

    [Fact]
    public void Sets_compare_regardless_of_order()
    {
        var items = Enumerable.Range(0, 50).Select(i => (EdnValue)i).ToArray();
        Assert.Equal(EdnSet.Create(items), EdnSet.Create(items.Reverse()));
        Assert.Throws<ArgumentException>(() => EdnSet.Create([1, 1]));
        Assert.Throws<ArgumentException>(() => EdnMap.Create([KeyValuePair.Create<EdnValue, EdnValue>(1, 1), KeyValuePair.Create<EdnValue, EdnValue>(1, 2)]));
    }

    [Fact]
    public void Equal_scalars_hash_alike()
    {
        Assert.Equal(new EdnDouble(0.0).GetHashCode(), new EdnDouble(-0.0).GetHashCode());
        Assert.Equal(new EdnDouble(double.NaN), new EdnDouble(-double.NaN));
        Assert.Equal(new EdnDouble(double.NaN).GetHashCode(), new EdnDouble(-double.NaN).GetHashCode());
        Assert.Equal(new EdnInst(DateTimeOffset.UnixEpoch.AddTicks(5)), new EdnInst(DateTimeOffset.UnixEpoch.ToOffset(TimeSpan.FromHours(2))));
        Assert.Equal(new EdnUuid(Guid.Empty).GetHashCode(), new EdnUuid(Guid.Empty).GetHashCode());
        Assert.False(Vec(1).Equals(List(1)));
    }

    [Fact]
    public void Ratio_create_reduces_and_refuses_a_zero_denominator()
    {
        Assert.Equal(new EdnRatio(-1, 2), EdnRatio.Create(3, -6));
        Assert.Equal(new EdnLong(-3), EdnRatio.Create(6, -2));
        Assert.Throws<DivideByZeroException>(() => EdnRatio.Create(1, 0));
    }

    [Fact]
    public void ReadEdn_reads_text()
    {
        Assert.Equal(Map((K("a"), Vec(1, "b"))), EdnValue.ReadEdn("{:a [1 \"b\"]}"));
        Assert.Equal(ImmutableArray<EdnValue>.Empty, EdnVector.Empty.Items);
    }
}
