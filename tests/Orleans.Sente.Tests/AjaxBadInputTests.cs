using System.Net;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>Ajax requests a server must survive: a poll storm, sends that are not forms, unknown packers.</summary>
[Collection(AjaxClusterCollection.Name)]
public sealed class AjaxBadInputTests(AjaxClusterFixture cluster)
{
    private const string Timeout = "[:chsk/timeout nil]";

    [Fact]
    public async Task A_poll_storm_supersedes_parked_polls_and_leaves_the_session_and_other_clients_working()
    {
        var uid = "storm-" + Guid.NewGuid().ToString("N")[..8];
        using var storm = new AjaxClient("st-" + uid, uid);
        using var bystander = new AjaxClient("by-" + uid, "by-" + uid);
        Assert.Equal(HttpStatusCode.OK, (await storm.GetAsync(cluster.FrontEnd1, handshake: true)).Status);
        Assert.Equal(HttpStatusCode.OK, (await bystander.GetAsync(cluster.FrontEnd1, handshake: true)).Status);

        // Many polls of one client at once: each newer one answers the parked one with a timeout,
        // so one session holds one poll, whatever the client does.
        var polls = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => storm.GetAsync(cluster.FrontEnd1)));
        Assert.All(polls, p => Assert.Equal((HttpStatusCode.OK, Timeout), p));

        // The session still works, and so does everyone else's.
        var stormPoll = storm.GetAsync(cluster.FrontEnd1);
        var bystanderPoll = bystander.GetAsync(cluster.FrontEnd1);
        await cluster.Silo1.Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("test/after-storm"), PushOptions.Flushed);
        await cluster.Silo1.Grains.GetUserGrain("by-" + uid).PushAsync(SenteEvent.Create("test/calm"), PushOptions.Flushed);
        Assert.Equal("[[[:test/after-storm]] nil]", await NextPushAsync(storm, stormPoll));
        Assert.Equal("[[[:test/calm]] nil]", await NextPushAsync(bystander, bystanderPoll));
    }

    [Theory]
    [InlineData("text/plain", "ppstr=[[:my/note 1] nil]")]
    [InlineData("application/json", """{"ppstr":"[[:my/note 1] nil]"}""")]
    public async Task A_send_that_is_not_a_form_gets_400(string contentType, string body)
    {
        using var http = new HttpClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);

        using var response = await http.PostAsync(new UriBuilder(cluster.FrontEnd1.BaseUri) { Path = "/chsk", Query = "client-id=nf1" }.Uri, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bad request: an Ajax send is a form with client-id and ppstr.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_poll_with_an_unknown_packer_gets_400()
    {
        using var client = new AjaxClient("pk-" + Guid.NewGuid().ToString("N")[..8], packer: "transit");

        var (status, body) = await client.GetAsync(cluster.FrontEnd2, handshake: true);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Bad request: unknown packer 'transit' (this server speaks json, edn).", body);
    }

    /// <summary>The first poll answer that is not a timeout: polls time out after LpTimeout, and the client polls again.</summary>
    private async Task<string> NextPushAsync(AjaxClient client, Task<(HttpStatusCode Status, string Body)> first)
    {
        var poll = first;
        var deadline = DateTime.UtcNow + TestTimeouts.Frame;
        while (true)
        {
            var (status, body) = await poll;
            Assert.Equal(HttpStatusCode.OK, status);
            if (body != Timeout)
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, "no push within the frame timeout");
            poll = client.GetAsync(cluster.FrontEnd1);
        }
    }
}
