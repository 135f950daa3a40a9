namespace Orleans.Sente.Grains;

/// <summary>A group's stored members: user-ids, and clients (user-id, client-id) that joined on their own.</summary>
[GenerateSerializer, Alias("sente.GroupState")]
public sealed class GroupState
{
    [Id(0)]
    public HashSet<string> Users { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public HashSet<GroupClient> Clients { get; set; } = [];
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
