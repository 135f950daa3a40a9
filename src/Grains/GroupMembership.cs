using System.Globalization;
using System.Text;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orleans.Sente.Grains;

/// <summary>
/// A group's members in grain storage, written so that one change costs a bounded write whatever
/// the group's size (extendible hashing):
/// <list type="bullet">
/// <item>up to <see cref="MembersPerRecord"/> members live in the group's own record;</item>
/// <item>past that, in member records of at most that many members each, chosen by the low bits of
/// a hash of the member; the group's record keeps only which records exist. A change rewrites the
/// one member record it falls in; a record that outgrows its size splits in two (one bit deeper),
/// which writes the two halves, the group's record and a removal of the old one;</item>
/// <item>the records a split makes are written before the group's record names them, and the old
/// one is removed after: a failure half-way leaves the previous layout whole (and at most a record
/// nobody names).</item>
/// </list>
/// An activation reads the group's record and, for a large group, its member records (in parallel);
/// the members are then held in memory, as before.
/// </summary>
internal sealed class GroupMembership(IPersistentState<GroupState> state, IGrainStorage storage, GrainId grainId)
{
    /// <summary>The most members one stored record holds.</summary>
    public const int MembersPerRecord = 512;

    private const string RecordName = "group.members.";
    private readonly Dictionary<int, GrainState<GroupShardState>> _records = [];
    private HashSet<string> _users = state.State.Users;
    private HashSet<GroupClient> _clients = state.State.Clients;

    public IReadOnlySet<string> Users => _users;

    public IReadOnlySet<GroupClient> Clients => _clients;

    public int Count => _users.Count + _clients.Count;

    private bool Sharded => state.State.Shards.Count > 0;

    /// <summary>Reads the member records of a large group (the group's own record is read by the activation).</summary>
    public async Task LoadAsync()
    {
        if (!Sharded)
        {
            return;
        }

        var shards = state.State.Shards;
        var read = await Task.WhenAll(shards.Select(async shard =>
        {
            var record = new GrainState<GroupShardState>();
            await storage.ReadStateAsync(Name(shard.Id), grainId, record);
            return (shard.Id, record);
        }));

        _users = new HashSet<string>(StringComparer.Ordinal);
        _clients = [];
        foreach (var (id, record) in read)
        {
            _records[id] = record;
            _users.UnionWith(Of(record).Users);
            _clients.UnionWith(Of(record).Clients);
        }
    }

    /// <summary>Adds a user (<paramref name="clientId"/> null) or one client; the caller checked it is new and that there is room.</summary>
    public async Task AddAsync(string userId, string? clientId)
    {
        if (!Sharded)
        {
            if (Count < MembersPerRecord)
            {
                Add(state.State.Users, state.State.Clients, userId, clientId);
                await state.WriteStateAsync();
                return;
            }

            await ShardAsync(userId, clientId);
            return;
        }

        var shard = ShardOf(Hash(userId, clientId));
        var record = _records[shard.Id];
        Add(Of(record).Users, Of(record).Clients, userId, clientId);
        Add(_users, _clients, userId, clientId);
        if (Of(record).Count <= MembersPerRecord)
        {
            await storage.WriteStateAsync(Name(shard.Id), grainId, record);
            return;
        }

        await SplitAsync(shard, record);
    }

    /// <summary>Removes a user or one client; false when it was not a member (nothing written).</summary>
    public async Task<bool> RemoveAsync(string userId, string? clientId)
    {
        if (!(clientId is null ? _users.Contains(userId) : _clients.Contains(new GroupClient(userId, clientId))))
        {
            return false;
        }

        if (!Sharded)
        {
            Remove(state.State.Users, state.State.Clients, userId, clientId);
            await state.WriteStateAsync();
            return true;
        }

        var shard = ShardOf(Hash(userId, clientId));
        var record = _records[shard.Id];
        Remove(Of(record).Users, Of(record).Clients, userId, clientId);
        Remove(_users, _clients, userId, clientId);
        await storage.WriteStateAsync(Name(shard.Id), grainId, record);
        return true;
    }

    /// <summary>The group outgrew its own record: its members move to member records.</summary>
    private async Task ShardAsync(string userId, string? clientId)
    {
        var all = new GroupShardState
        {
            Users = new HashSet<string>(state.State.Users, StringComparer.Ordinal),
            Clients = [.. state.State.Clients],
        };
        Add(all.Users, all.Clients, userId, clientId);
        var made = await WriteSplitAsync(all, depth: 0, prefix: 0);
        _users = new HashSet<string>(all.Users, StringComparer.Ordinal);
        _clients = [.. all.Clients];
        state.State.Users.Clear();
        state.State.Clients.Clear();
        state.State.Shards = [.. made.Select(m => m.Shard)];
        await state.WriteStateAsync();
        foreach (var (shard, record) in made)
        {
            _records[shard.Id] = record;
        }
    }

    /// <summary>A member record outgrew its size: it splits.</summary>
    private async Task SplitAsync(GroupShard shard, GrainState<GroupShardState> record)
    {
        var made = await WriteSplitAsync(Of(record), shard.Depth, shard.Prefix);
        var shards = state.State.Shards;
        shards.Remove(shard);
        shards.AddRange(made.Select(m => m.Shard));
        await state.WriteStateAsync();
        _records.Remove(shard.Id);
        foreach (var (made1, madeRecord) in made)
        {
            _records[made1.Id] = madeRecord;
        }

        await storage.ClearStateAsync(Name(shard.Id), grainId, record);
    }

    /// <summary>Writes the members in new records of at most <see cref="MembersPerRecord"/> each, one bit deeper at a time.</summary>
    private async Task<List<(GroupShard Shard, GrainState<GroupShardState> Record)>> WriteSplitAsync(GroupShardState members, int depth, uint prefix)
    {
        var parts = new List<(int Depth, uint Prefix, GroupShardState Members)>();
        Partition(members, depth, prefix, parts);
        var made = new List<(GroupShard, GrainState<GroupShardState>)>(parts.Count);
        foreach (var (partDepth, partPrefix, part) in parts)
        {
            var shard = new GroupShard(state.State.NextShard++, partDepth, partPrefix);
            var record = new GrainState<GroupShardState>(part, null);
            await storage.WriteStateAsync(Name(shard.Id), grainId, record);
            made.Add((shard, record));
        }

        return made;
    }

    private static void Partition(GroupShardState members, int depth, uint prefix, List<(int, uint, GroupShardState)> parts)
    {
        if ((members.Count <= MembersPerRecord && depth > 0) || depth == 32)
        {
            parts.Add((depth, prefix, members));
            return;
        }

        var bit = 1u << depth;
        var low = new GroupShardState();
        var high = new GroupShardState();
        foreach (var user in members.Users)
        {
            (((Hash(user, null) & bit) == 0) ? low : high).Users.Add(user);
        }

        foreach (var client in members.Clients)
        {
            (((Hash(client.UserId, client.ClientId) & bit) == 0) ? low : high).Clients.Add(client);
        }

        Partition(low, depth + 1, prefix, parts);
        Partition(high, depth + 1, prefix | bit, parts);
    }

    private static GroupShardState Of(GrainState<GroupShardState> record) => record.State ??= new GroupShardState();

    private GroupShard ShardOf(uint hash) => state.State.Shards.First(s => s.Holds(hash));

    private static string Name(int id) => RecordName + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A member's hash (FNV-1a over its UTF-8 text), the same in every process.</summary>
    internal static uint Hash(string userId, string? clientId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(clientId is null ? "u\n" + userId : "c\n" + userId + "\n" + clientId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    private static void Add(HashSet<string> users, HashSet<GroupClient> clients, string userId, string? clientId)
    {
        if (clientId is null)
        {
            users.Add(userId);
        }
        else
        {
            clients.Add(new GroupClient(userId, clientId));
        }
    }

    private static void Remove(HashSet<string> users, HashSet<GroupClient> clients, string userId, string? clientId)
    {
        if (clientId is null)
        {
            users.Remove(userId);
        }
        else
        {
            clients.Remove(new GroupClient(userId, clientId));
        }
    }
}
