namespace Orleans.Sente.Grains;

/// <summary>Which presence shard holds a user: a stable hash (FNV-1a) of its grain key, so every silo agrees.</summary>
internal static class PresenceShards
{
    public static long Of(string userKey, int shards)
    {
        var hash = 2166136261u;
        foreach (var c in userKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % (uint)shards;
    }
}
