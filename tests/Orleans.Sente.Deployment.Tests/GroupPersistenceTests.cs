using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Grains;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>Group membership in real storage (Azurite): it outlives every silo and front end of the cluster.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class GroupPersistenceTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(SenteGrainStorageKind.Table)]
    [InlineData(SenteGrainStorageKind.Blob)]
    public async Task Group_members_survive_the_restart_of_every_silo_and_front_end_and_get_its_pushes(SenteGrainStorageKind storage)
    {
        var cluster = new AzureCluster(azurite.ConnectionString, storage);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var (name, alice, bob) = ($"room/{prefix}", $"{prefix}-alice", $"{prefix}-b/ob#");
        var silo = await cluster.StartSiloAsync();
        var frontEnd = await cluster.StartFrontEndAsync();
        try
        {
            var group = frontEnd.Services.GetRequiredService<IGrainFactory>().GetGroupGrain(name);
            await group.AddUserAsync(alice);
            await group.AddUserAsync(bob);
            await group.AddClientAsync(alice, "tab-1");
        }
        finally
        {
            await frontEnd.StopAsync();
            await frontEnd.DisposeAsync();
            await AzureCluster.StopAsync(silo);
        }

        // A new cluster on the same storage: no grain, no front end of the first one is left.
        silo = await cluster.StartSiloAsync();
        frontEnd = await cluster.StartFrontEndAsync();
        try
        {
            var grains = frontEnd.Services.GetRequiredService<IGrainFactory>();
            var members = await grains.GetGroupGrain(name).GetMembersAsync();
            Assert.Equal([alice, bob], members.UserIds.Order(StringComparer.Ordinal));
            Assert.Equal(new GroupClient(alice, "tab-1"), Assert.Single(members.Clients));

            await using var a = await WsClient.ConnectAsync(Chsk(frontEnd, alice));
            await using var b = await WsClient.ConnectAsync(Chsk(frontEnd, bob));
            var result = await grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", "after-restart"), PushOptions.Flushed);
            Assert.Equal(new GroupPushResult(3, 1), result);
            foreach (var client in new[] { a, b })
            {
                var pushed = await client.NextEventAsync();
                Assert.Equal(":test/room", pushed[0].GetString());
                Assert.Equal("after-restart", pushed[1].GetString());
            }
        }
        finally
        {
            await frontEnd.StopAsync();
            await frontEnd.DisposeAsync();
            await AzureCluster.StopAsync(silo);
        }
    }

    [Theory]
    [InlineData(SenteGrainStorageKind.Table)]
    [InlineData(SenteGrainStorageKind.Blob)]
    public async Task A_group_larger_than_one_record_is_kept_in_member_records_that_a_new_silo_reads_back_whole(SenteGrainStorageKind storage)
    {
        var cluster = new AzureCluster(azurite.ConnectionString, storage);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var name = $"big/{prefix}";
        var members = Enumerable.Range(0, GroupMembership.MembersPerRecord + 40).Select(i => $"{prefix}-m{i}").ToArray();
        var silo = await cluster.StartSiloAsync();
        try
        {
            var group = silo.Services.GetRequiredService<IGrainFactory>().GetGroupGrain(name);
            foreach (var member in members)
            {
                await group.AddUserAsync(member);
            }

            await group.AddClientAsync(members[0], "tab-1");
            await group.RemoveUserAsync(members[1]);
        }
        finally
        {
            await AzureCluster.StopAsync(silo);
        }

        silo = await cluster.StartSiloAsync();
        try
        {
            var read = await silo.Services.GetRequiredService<IGrainFactory>().GetGroupGrain(name).GetMembersAsync();
            Assert.Equal(members.Where(m => m != members[1]).Order(StringComparer.Ordinal), read.UserIds);
            Assert.Equal(new GroupClient(members[0], "tab-1"), Assert.Single(read.Clients));
        }
        finally
        {
            await AzureCluster.StopAsync(silo);
        }
    }

    private static Uri Chsk(WebApplication frontEnd, string user) =>
        new UriBuilder(frontEnd.Urls.First()) { Scheme = "ws", Path = "/chsk", Query = "uid=" + Uri.EscapeDataString(user) }.Uri;
}
