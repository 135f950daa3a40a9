namespace Orleans.Sente.Grains;

/// <summary>
/// A group's stored record. A group of up to <see cref="GroupMembership.MembersPerRecord"/> members
/// keeps them here (user-ids, and clients that joined on their own); a larger one keeps them in
/// member records (<see cref="Shards"/>), so that a change rewrites one record of a bounded size.
/// </summary>
[GenerateSerializer, Alias("sente.GroupState")]
public sealed class GroupState
{
    [Id(0)]
    public HashSet<string> Users { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public HashSet<GroupClient> Clients { get; set; } = [];

    /// <summary>The member records, once the group outgrew this one; empty before (members are then in <see cref="Users"/> and <see cref="Clients"/>).</summary>
    [Id(2)]
    public List<GroupShard> Shards { get; set; } = [];

    /// <summary>The id the next member record gets.</summary>
    [Id(3)]
    public int NextShard { get; set; }
}

/// <summary>
/// One member record of a large group: the members whose hash ends in <see cref="Prefix"/> (its
/// low <see cref="Depth"/> bits). Records split in two, one bit deeper, when they outgrow their size.
/// </summary>
[GenerateSerializer, Immutable, Alias("sente.GroupShard")]
public sealed record GroupShard([property: Id(0)] int Id, [property: Id(1)] int Depth, [property: Id(2)] uint Prefix)
{
    /// <summary>Whether a member with this hash is kept here.</summary>
    public bool Holds(uint hash) => Depth == 0 || (hash & ((1u << Depth) - 1)) == Prefix;
}

/// <summary>The members kept in one member record of a large group.</summary>
[GenerateSerializer, Alias("sente.GroupShardState")]
public sealed class GroupShardState
{
    [Id(0)]
    public HashSet<string> Users { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public HashSet<GroupClient> Clients { get; set; } = [];

    public int Count => Users.Count + Clients.Count;
}

/// <summary>A user's stored groups (group keys), and the groups each of its clients joined on its own.</summary>
[GenerateSerializer, Alias("sente.UserGroupsState")]
public sealed class UserGroupsState
{
    [Id(0)]
    public HashSet<string> Groups { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public Dictionary<string, HashSet<string>> ClientGroups { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Grows with every change; front ends keep the newest they saw.</summary>
    [Id(2)]
    public long Version { get; set; }
}
