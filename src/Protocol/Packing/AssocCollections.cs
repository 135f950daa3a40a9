namespace Orleans.Sente.Protocol;

/// <summary>
/// Maps and sets built as Clojure's readers of Transit and MessagePack build them (<c>assoc</c>,
/// <c>conj</c>): a repeated map key keeps its first place and its last value, a repeated set item
/// is kept once. Those packers fold kinds EDN tells apart (a list and a vector, <c>1N</c> and
/// <c>1</c>), so a map or set that had distinct members may arrive with equal ones.
/// </summary>
internal static class AssocCollections
{
    public static EdnMap Map(IEnumerable<KeyValuePair<EdnValue, EdnValue>> entries)
    {
        var list = new List<KeyValuePair<EdnValue, EdnValue>>();
        var places = new Dictionary<EdnValue, int>();
        foreach (var entry in entries)
        {
            if (places.TryGetValue(entry.Key, out var place))
            {
                list[place] = entry;
            }
            else
            {
                places.Add(entry.Key, list.Count);
                list.Add(entry);
            }
        }

        return EdnMap.Create(list);
    }

    public static EdnSet Set(IEnumerable<EdnValue> items) => EdnSet.Create(items.Distinct());
}
