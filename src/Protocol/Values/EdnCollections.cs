using System.Collections;
using System.Collections.Immutable;

namespace Orleans.Sente.Protocol;

/// <summary>Shared behaviour of the sequential collections: ordered items, equality by items.</summary>
public abstract record EdnSequence(ImmutableArray<EdnValue> Items) : EdnValue, IReadOnlyList<EdnValue>
{
    public int Count => Items.IsDefault ? 0 : Items.Length;
    public EdnValue this[int index] => Items[index];
    public IEnumerator<EdnValue> GetEnumerator() => ((IEnumerable<EdnValue>)(Items.IsDefault ? [] : Items)).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public virtual bool Equals(EdnSequence? other) =>
        other is not null && other.GetType() == GetType() && ItemsEqual(Items, other.Items);

    public override int GetHashCode() => ItemsHash(Items, GetType().GetHashCode());

    internal static bool ItemsEqual(ImmutableArray<EdnValue> a, ImmutableArray<EdnValue> b)
    {
        var x = a.IsDefault ? [] : a;
        var y = b.IsDefault ? [] : b;
        if (x.Length != y.Length)
        {
            return false;
        }

        for (var i = 0; i < x.Length; i++)
        {
            if (!x[i].Equals(y[i]))
            {
                return false;
            }
        }

        return true;
    }

    internal static int ItemsHash(ImmutableArray<EdnValue> items, int seed)
    {
        var hash = new HashCode();
        hash.Add(seed);
        if (!items.IsDefault)
        {
            foreach (var item in items)
            {
                hash.Add(item);
            }
        }

        return hash.ToHashCode();
    }
}

/// <summary>A vector <c>[a b c]</c>.</summary>
public sealed record EdnVector(ImmutableArray<EdnValue> Items) : EdnSequence(Items)
{
    public static readonly EdnVector Empty = new(ImmutableArray<EdnValue>.Empty);
    public EdnVector(params EdnValue[] items) : this(ImmutableArray.Create(items)) { }
    public bool Equals(EdnVector? other) => base.Equals(other);
    public override int GetHashCode() => base.GetHashCode();
}

/// <summary>A list <c>(a b c)</c>.</summary>
public sealed record EdnList(ImmutableArray<EdnValue> Items) : EdnSequence(Items)
{
    public EdnList(params EdnValue[] items) : this(ImmutableArray.Create(items)) { }
    public bool Equals(EdnList? other) => base.Equals(other);
    public override int GetHashCode() => base.GetHashCode();
}

/// <summary>
/// A set <c>#{a b}</c>. Items keep the order they were read or built in (so printing is
/// stable); equality ignores order. Duplicates are rejected by <see cref="Create"/>.
/// </summary>
public sealed record EdnSet(ImmutableArray<EdnValue> Items) : EdnValue, IReadOnlyCollection<EdnValue>
{
    public static EdnSet Create(IEnumerable<EdnValue> items)
    {
        var seen = new HashSet<EdnValue>();
        var builder = ImmutableArray.CreateBuilder<EdnValue>();
        foreach (var item in items)
        {
            if (!seen.Add(item))
            {
                throw new ArgumentException($"Duplicate set item: {item}", nameof(items));
            }

            builder.Add(item);
        }

        return new EdnSet(builder.ToImmutable());
    }

    public int Count => Items.IsDefault ? 0 : Items.Length;

    public bool Contains(EdnValue item)
    {
        if (Count <= LookupIndex.LinearLimit)
        {
            return !Items.IsDefault && Items.Contains(item);
        }

        var index = _index;
        if (index is null || index.Source != Items)
        {
            var set = new HashSet<EdnValue>(Items);
            _index = index = new(Items, set);
        }

        return index.Items.Contains(item);
    }

    /// <summary>A hash set of the items, built on the first lookup of a large set; tied to the array it indexes because <c>with</c> copies fields.</summary>
    [NonSerialized]
    private SetIndex? _index;

    /// <summary>Makes a set whose items the caller has already checked for duplicates.</summary>
    internal static EdnSet FromUnique(ImmutableArray<EdnValue> items, HashSet<EdnValue>? index)
    {
        var set = new EdnSet(items);
        if (index is not null)
        {
            set._index = new(items, index);
        }

        return set;
    }

    private sealed record SetIndex(ImmutableArray<EdnValue> Source, HashSet<EdnValue> Items);
    public IEnumerator<EdnValue> GetEnumerator() => ((IEnumerable<EdnValue>)(Items.IsDefault ? [] : Items)).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(EdnSet? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var item in this)
        {
            if (!other.Contains(item))
            {
                return false;
            }
        }

        return true;
    }

    public override int GetHashCode()
    {
        var hash = 17;
        foreach (var item in this)
        {
            hash ^= item.GetHashCode();
        }

        return hash;
    }
}

/// <summary>
/// A map <c>{:a 1, :b 2}</c>. Entries keep their insertion order (as a small Clojure map
/// prints); equality ignores order. Keys may be any value.
/// </summary>
public sealed record EdnMap(ImmutableArray<KeyValuePair<EdnValue, EdnValue>> Entries)
    : EdnValue, IReadOnlyCollection<KeyValuePair<EdnValue, EdnValue>>
{
    public static readonly EdnMap Empty = new(ImmutableArray<KeyValuePair<EdnValue, EdnValue>>.Empty);

    /// <summary>Builds a map from entries; a repeated key is an error, as in EDN.</summary>
    public static EdnMap Create(IEnumerable<KeyValuePair<EdnValue, EdnValue>> entries)
    {
        var seen = new HashSet<EdnValue>();
        var builder = ImmutableArray.CreateBuilder<KeyValuePair<EdnValue, EdnValue>>();
        foreach (var entry in entries)
        {
            if (!seen.Add(entry.Key))
            {
                throw new ArgumentException($"Duplicate map key: {entry.Key}", nameof(entries));
            }

            builder.Add(entry);
        }

        return new EdnMap(builder.ToImmutable());
    }

    /// <summary>Builds a map with keyword keys: <c>EdnMap.Of(("from", "alice"), ("text", "hi"))</c>.</summary>
    public static EdnMap Of(params (string Key, EdnValue Value)[] entries) =>
        Create(entries.Select(e => new KeyValuePair<EdnValue, EdnValue>(EdnKeyword.Parse(e.Key), e.Value)));

    public int Count => Entries.IsDefault ? 0 : Entries.Length;

    public bool TryGetValue(EdnValue key, out EdnValue value)
    {
        if (Count <= LookupIndex.LinearLimit)
        {
            if (!Entries.IsDefault)
            {
                foreach (var entry in Entries)
                {
                    if (entry.Key.Equals(key))
                    {
                        value = entry.Value;
                        return true;
                    }
                }
            }

            value = EdnNil.Instance;
            return false;
        }

        var index = _index;
        if (index is null || index.Source != Entries)
        {
            var dictionary = new Dictionary<EdnValue, EdnValue>(Entries.Length);
            foreach (var entry in Entries)
            {
                dictionary[entry.Key] = entry.Value;
            }

            _index = index = new(Entries, dictionary);
        }

        if (index.Entries.TryGetValue(key, out var found))
        {
            value = found;
            return true;
        }

        value = EdnNil.Instance;
        return false;
    }

    /// <summary>True when the map has the key.</summary>
    public bool ContainsKey(EdnValue key) => TryGetValue(key, out _);

    /// <summary>A dictionary of the entries, built on the first lookup of a large map; tied to the array it indexes because <c>with</c> copies fields.</summary>
    [NonSerialized]
    private MapIndex? _index;

    /// <summary>Makes a map whose keys the caller has already checked for duplicates.</summary>
    internal static EdnMap FromUnique(ImmutableArray<KeyValuePair<EdnValue, EdnValue>> entries, Dictionary<EdnValue, EdnValue>? index)
    {
        var map = new EdnMap(entries);
        if (index is not null)
        {
            map._index = new(entries, index);
        }

        return map;
    }

    private sealed record MapIndex(ImmutableArray<KeyValuePair<EdnValue, EdnValue>> Source, Dictionary<EdnValue, EdnValue> Entries);

    public IEnumerator<KeyValuePair<EdnValue, EdnValue>> GetEnumerator() =>
        ((IEnumerable<KeyValuePair<EdnValue, EdnValue>>)(Entries.IsDefault ? [] : Entries)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(EdnMap? other)
    {
        if (other is null || other.Count != Count)
        {
            return false;
        }

        foreach (var entry in this)
        {
            if (!other.TryGetValue(entry.Key, out var v) || !v.Equals(entry.Value))
            {
                return false;
            }
        }

        return true;
    }

    public override int GetHashCode()
    {
        var hash = 31;
        foreach (var entry in this)
        {
            hash ^= HashCode.Combine(entry.Key, entry.Value);
        }

        return hash;
    }
}

/// <summary>Below this many items a linear scan beats hashing, and no index is built.</summary>
internal static class LookupIndex
{
    public const int LinearLimit = 8;
}
