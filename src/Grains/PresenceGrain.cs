using System.Collections.Immutable;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Sente.Grains;

/// <summary>Answers <c>connected-uids</c> by asking every presence shard once and merging.</summary>
[StatelessWorker]
internal sealed class PresenceGrain(IOptions<SenteGrainOptions> options) : Grain, IPresenceGrain
{
    public async Task<ConnectedUids> GetConnectedUidsAsync()
    {
        var shards = Enumerable.Range(0, options.Value.PresenceShards)
            .Select(i => GrainFactory.GetGrain<IPresenceShardGrain>(i).GetAllAsync());
        var ws = ImmutableArray.CreateBuilder<string?>();
        var ajax = ImmutableArray.CreateBuilder<string?>();
        var any = ImmutableArray.CreateBuilder<string?>();
        foreach (var shard in await Task.WhenAll(shards))
        {
            foreach (var user in shard)
            {
                var userId = SenteKeys.UserIdOf(user.UserKey);
                any.Add(userId);
                if (user.Transports.HasFlag(PresenceTransports.WebSocket))
                {
                    ws.Add(userId);
                }

                if (user.Transports.HasFlag(PresenceTransports.Ajax))
                {
                    ajax.Add(userId);
                }
            }
        }

        return new ConnectedUids(ws.ToImmutable(), ajax.ToImmutable(), any.ToImmutable());
    }
}
