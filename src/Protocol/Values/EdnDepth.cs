namespace Orleans.Sente.Protocol;

/// <summary>
/// Nesting as the readers and packers count it: a vector, list, set, map or tagged value is one
/// level more than the deepest thing inside it (map keys included); anything else is none.
/// </summary>
internal static class EdnDepth
{
    /// <summary>True when <paramref name="value"/> nests more than <paramref name="levels"/> levels; looks no deeper than that.</summary>
    public static bool IsDeeperThan(EdnValue? value, int levels)
    {
        switch (value)
        {
            case EdnSequence seq:
                return levels == 0 || seq.Any(item => IsDeeperThan(item, levels - 1));
            case EdnSet set:
                return levels == 0 || set.Any(item => IsDeeperThan(item, levels - 1));
            case EdnMap map:
                return levels == 0 || map.Any(e => IsDeeperThan(e.Key, levels - 1) || IsDeeperThan(e.Value, levels - 1));
            case EdnTagged tagged:
                return levels == 0 || IsDeeperThan(tagged.Value, levels - 1);
            default:
                return false;
        }
    }
}
