using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.Deployment.Tests.Infrastructure;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Deployment.Tests;

public sealed partial class LocalClusterTests
{
    /// <summary>
    /// <c>scripts/cluster.sh stop</c> then <c>start</c>: Azurite keeps its data on disk in the run
    /// folder, so a browser signed in before the restart is still signed in after it (its session
    /// and the key ring that protects its cookie are in storage), and durable pushes sent to an
    /// offline user before the restart arrive, in order, when that user connects after it.
    /// </summary>
    [Fact]
    public async Task Sessions_and_durable_pushes_survive_a_stop_and_start_of_the_whole_local_cluster()
    {
        await using var cluster = await LocalCluster.StartAsync();
        var user = "restart-" + Guid.NewGuid().ToString("N")[..8];
        var cookies = new CookieContainer();
        string token;
        using (var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = cluster.Url, Timeout = TimeSpan.FromSeconds(10) })
        {
            using var login = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("user-id", user)]) };
            login.Headers.Add("Origin", cluster.Url.GetLeftPart(UriPartial.Authority));
            using var signedIn = await http.SendAsync(login);
            signedIn.EnsureSuccessStatusCode();
            token = WebUtility.HtmlDecode(CsrfToken().Match(await http.GetStringAsync("/")).Groups[1].Value);
        }

        using (var service = await StartServiceAsync(cluster))
        {
            var grains = service.Services.GetRequiredService<IClusterClient>();
            for (var n = 1; n <= 3; n++)
            {
                await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/kept", n), PushOptions.DurablePush).WaitAsync(Timeouts.Frame);
            }

            await service.StopAsync(TimeSpan.FromSeconds(10));
        }

        // cluster.env is shell: sourcing it keeps the connection string whole (it holds ';').
        Assert.Equal(cluster.Env["SENTE_CLUSTER_CONNECTION"], await cluster.SourceEnvAsync("SENTE_CLUSTER_CONNECTION"));

        await cluster.StopAsync();
        await cluster.StartAgainAsync();
        output.WriteLine($"cluster started again in {cluster.StartedIn.TotalSeconds:F1} s");

        // The same cookie and token, against processes that have never seen them.
        var chsk = new UriBuilder(cluster.Url) { Scheme = "ws", Path = "/chsk" }.Uri;
        await using var client = await WsClient.ConnectAsync(chsk, cookies: cookies, query: () => Task.FromResult("csrf-token=" + Uri.EscapeDataString(token)));
        Assert.Equal(user, client.Uid);
        for (var n = 1; n <= 3; n++)
        {
            var ev = await client.NextEventAsync();
            Assert.Equal(":test/kept", ev[0].GetString());
            Assert.Equal(n, ev[1].GetInt32());
        }
    }
}
