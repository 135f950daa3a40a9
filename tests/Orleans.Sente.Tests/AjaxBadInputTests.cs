using System.Net;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// Ajax requests a server must survive: a poll storm, sends that are not forms, unknown packers.
/// Sente's default timings (a poll parks for 20 s), so nothing here races a timeout.
/// </summary>
public sealed class AjaxBadInputTests : IAsyncLifetime
{
    private const string Timeout = "[:chsk/timeout nil]";
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null);
        _frontEnd = await TestFrontEnd.StartAsync([_silo]);
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task A_poll_storm_supersedes_parked_polls_and_leaves_the_session_and_other_clients_working()
    {
        var uid = "storm-" + Guid.NewGuid().ToString("N")[..8];
        using var storm = new AjaxClient("st-" + uid, uid);
        using var bystander = new AjaxClient("by-" + uid, "by-" + uid);
        Assert.Equal(HttpStatusCode.OK, (await storm.GetAsync(_frontEnd, handshake: true)).Status);
        Assert.Equal(HttpStatusCode.OK, (await bystander.GetAsync(_frontEnd, handshake: true)).Status);
        var bystanderPoll = bystander.GetAsync(_frontEnd);

        // Many polls of one client at once: each newer one answers the parked one with a timeout,
        // so one session holds one poll, whatever the client does. All but one come back at once.
        const int Polls = 40;
        var polls = Enumerable.Range(0, Polls).Select(_ => storm.GetAsync(_frontEnd)).ToList();
        for (var answered = 0; answered < Polls - 1; answered++)
        {
            var done = await Task.WhenAny(polls).WaitAsync(TestTimeouts.Frame);
            polls.Remove(done);
            Assert.Equal((HttpStatusCode.OK, Timeout), await done);
        }

        // The one left is parked and gets the next push; the other client is untouched.
        await _silo.Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("test/after-storm"), PushOptions.Flushed);
        await _silo.Grains.GetUserGrain("by-" + uid).PushAsync(SenteEvent.Create("test/calm"), PushOptions.Flushed);
        Assert.Equal((HttpStatusCode.OK, "[[[:test/after-storm]] nil]"), await polls.Single());
        Assert.Equal((HttpStatusCode.OK, "[[[:test/calm]] nil]"), await bystanderPoll);
    }

    [Theory]
    [InlineData("text/plain", "ppstr=[[:my/note 1] nil]")]
    [InlineData("application/json", """{"ppstr":"[[:my/note 1] nil]"}""")]
    public async Task A_send_that_is_not_a_form_gets_400(string contentType, string body)
    {
        using var http = new HttpClient();
        using var content = new StringContent(body, System.Text.Encoding.UTF8, contentType);

        using var response = await http.PostAsync(new UriBuilder(_frontEnd.BaseUri) { Path = "/chsk", Query = "client-id=nf1" }.Uri, content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Bad request: an Ajax send is a form with client-id and ppstr.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_poll_with_an_unknown_packer_gets_400()
    {
        using var client = new AjaxClient("pk-" + Guid.NewGuid().ToString("N")[..8], packer: "fressian");

        var (status, body) = await client.GetAsync(_frontEnd, handshake: true);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Bad request: unknown packer 'fressian' (this server speaks json, edn, transit, msgpack).", body);
    }
}
