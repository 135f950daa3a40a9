using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Hosting;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// Grain keys that differ only in characters a store rewrites or forbids keep apart in real
/// storage: Azure Table replaces <c>/ \ # ?</c> with <c>_</c> in its keys, a blob name is a URL path.
/// One user's durable pushes must never reach another user, nor one session's data another session.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageKeyTests(AzuriteFixture azurite)
{
    /// <summary>
    /// Each set holds user-ids that a store's sanitizing, its escape or its URL handling could
    /// fold into one: the characters Azure Table rewrites, the rewrite's result, the key encoding's
    /// own escape character and what it produces, a control character, a dot segment, and long ids
    /// whose encoding is past the store's key length.
    /// </summary>
    private static string[] LookAlikeUserIds(string prefix) =>
    [
        prefix + "col/R", prefix + @"col\R", prefix + "col#R", prefix + "col?R", prefix + "col_R",
        prefix + "col~2FR", prefix + "col~7E2FR", prefix + "col%2FR", prefix + "col\u0001R",
        prefix + "col/x/../R",
        prefix + new string('/', SenteKeys.MaxUserIdLength - prefix.Length),
        prefix + new string('_', SenteKeys.MaxUserIdLength - prefix.Length),
        prefix + new string('\u00e9', SenteKeys.MaxUserIdLength - prefix.Length),
    ];

    [Theory]
    [InlineData(SenteGrainStorageKind.Table)]
    [InlineData(SenteGrainStorageKind.Blob)]
    public async Task Durable_pushes_to_user_ids_that_differ_only_in_characters_a_store_rewrites_reach_only_their_own_user(SenteGrainStorageKind storage)
    {
        var cluster = new AzureCluster(azurite.ConnectionString, storage);
        var users = LookAlikeUserIds(Guid.NewGuid().ToString("N")[..8] + "-");
        var silo = await cluster.StartSiloAsync();
        var frontEnd = await cluster.StartFrontEndAsync();
        try
        {
            var grains = frontEnd.Services.GetRequiredService<IGrainFactory>();

            // Every user is offline: each push goes to that user's durable inbox.
            for (var i = 0; i < users.Length; i++)
            {
                await grains.GetUserGrain(users[i]).PushAsync(SenteEvent.Create("test/kept", i), PushOptions.DurablePush);
            }

            for (var i = 0; i < users.Length; i++)
            {
                await using var client = await WsClient.ConnectAsync(Chsk(frontEnd, users[i]));
                var kept = await client.NextEventAsync();
                Assert.Equal(":test/kept", kept[0].GetString());
                Assert.True(i == kept[1].GetInt32(), $"user #{i} ({Printable(users[i])}) got the push meant for #{kept[1].GetInt32()} ({Printable(users[kept[1].GetInt32()])})");

                // Nothing else was kept for this user: the next event is a live push.
                await grains.GetUserGrain(users[i]).PushAsync(SenteEvent.Create("test/live", i), PushOptions.Flushed);
                var next = await client.NextEventAsync();
                Assert.True(":test/live" == next[0].GetString(), $"user #{i} ({Printable(users[i])}) also got {next}");
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
    public async Task A_forged_session_key_that_differs_only_in_characters_a_store_rewrites_reads_no_other_session(SenteGrainStorageKind storage)
    {
        var cluster = new AzureCluster(azurite.ConnectionString, storage);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var sessions = LookAlikeUserIds(prefix + "-").Prepend(prefix + "abc_def").Append(prefix + "abc/def").ToArray();
        var silo = await cluster.StartSiloAsync();
        var service = await cluster.StartClientAsync();
        try
        {
            var grains = service.Services.GetRequiredService<IClusterClient>();
            var expiry = new SessionExpiry(null, TimeSpan.FromHours(1));

            // The real session, then keys that look like it, each activated only after it was written.
            await grains.GetGrain<ISessionGrain>(sessions[0]).SetAsync(Encoding.UTF8.GetBytes(sessions[0]), expiry);
            foreach (var forged in sessions.Skip(1))
            {
                var read = await grains.GetGrain<ISessionGrain>(forged).GetAsync();
                Assert.True(read is null, $"session {Printable(forged)} read {Printable(Encoding.UTF8.GetString(read ?? []))}");
                await grains.GetGrain<ISessionGrain>(forged).SetAsync(Encoding.UTF8.GetBytes(forged), expiry);
            }

            // Each kept its own value, also when read back from storage by a new silo.
            await AzureCluster.StopAsync(service);
            await AzureCluster.StopAsync(silo);
            silo = await cluster.StartSiloAsync();
            service = await cluster.StartClientAsync();
            grains = service.Services.GetRequiredService<IClusterClient>();
            foreach (var key in sessions)
            {
                var read = await grains.GetGrain<ISessionGrain>(key).GetAsync();
                Assert.Equal(Printable(key), Printable(Encoding.UTF8.GetString(read ?? [])));
            }
        }
        finally
        {
            await AzureCluster.StopAsync(service);
            await AzureCluster.StopAsync(silo);
        }
    }

    private static Uri Chsk(WebApplication frontEnd, string user) =>
        new UriBuilder(frontEnd.Urls.First()) { Scheme = "ws", Path = "/chsk", Query = "uid=" + Uri.EscapeDataString(user) }.Uri;

    private static string Printable(string id) =>
        id.Length > 40 ? $"{Printable(id[..20])}...({id.Length} chars)" : string.Concat(id.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
