using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;
using Orleans.Sente.WebFrontend;

namespace Orleans.Sente.Tests;

/// <summary>
/// A push that one packer cannot write (JSON: nesting deeper than 64; EDN writes up to 100) costs
/// that push for that packer's clients only: the front end, its loops and its other clients go on.
/// </summary>
public sealed class UnpackablePushTests(UnpackablePushTests.Fixture fixture) : IClassFixture<UnpackablePushTests.Fixture>
{
    private TestFrontEnd FrontEnd => fixture.FrontEnd;

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_push_the_json_packer_cannot_write_reaches_edn_clients_and_costs_json_clients_only_that_push(bool flushed)
    {
        var user = Unique("u");
        var (json, _) = await TestClient.ConnectAsync(FrontEnd, user);
        var ednId = Unique("edn");
        var (edn, _) = await TestClient.ConnectRawAsync(FrontEnd, $"client-id={ednId}&packer=edn&{TestFrontEnd.TestUidParam}={user}", ednId);
        await using var _j = json;
        await using var _e = edn;
        using var ajax = new AjaxClient(Unique("ajax"), user, packer: "json");
        Assert.Equal(HttpStatusCode.OK, (await ajax.GetAsync(FrontEnd, handshake: true)).Status);
        using var dropped = new MetricRecorder(FrontEnd, "sente.deliveries.dropped");

        // The EDN client asks the server to push the value to its user; the server builds it.
        await edn.SendAsync($"[[:test/poison {(flushed ? "true" : "false")}] nil]");

        Assert.StartsWith("[[[:test/poison ", await edn.ReceiveAsync());
        await FrontEnd.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/after", 1), flushed ? PushOptions.Flushed : PushOptions.Default);

        // The JSON clients' next frame is the push after: the one they could not get was dropped.
        Assert.Equal("[[[:test/after 1]] nil]", await edn.ReceiveAsync());
        Assert.Equal("""[[[":test/after",1]],null]""", await json.ReceiveAsync());
        Assert.Equal((HttpStatusCode.OK, """[[[":test/after",1]],null]"""), await PollForPushAsync(ajax));
        Assert.Equal(2, dropped["unpackable"]);
        Assert.False(FrontEnd.App.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);

        // And the front end serves on: the next poll of the Ajax client is an ordinary one.
        var poll = PollForPushAsync(ajax);
        await FrontEnd.Grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/later", 2), PushOptions.Flushed);
        Assert.Equal((HttpStatusCode.OK, """[[[":test/later",2]],null]"""), await poll);
        Assert.Equal("""[[[":test/later",2]],null]""", await json.ReceiveAsync());
    }

    /// <summary>Polls until a poll brings something other than <c>[:chsk/timeout nil]</c> (bounded).</summary>
    private async Task<(HttpStatusCode Status, string Body)> PollForPushAsync(AjaxClient ajax)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Frame;
        while (true)
        {
            var answer = await ajax.GetAsync(FrontEnd);
            if (answer.Status != HttpStatusCode.OK || answer.Body != """[":chsk/timeout",null]""" || DateTime.UtcNow > deadline)
            {
                return answer;
            }
        }
    }

    /// <summary>A value nested <paramref name="depth"/> vectors deep.</summary>
    internal static EdnValue Nested(int depth)
    {
        EdnValue value = 1;
        for (var i = 0; i < depth; i++)
        {
            value = new EdnVector(value);
        }

        return value;
    }

    /// <summary>One silo and one front end with a handler that pushes a value only EDN can write.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        internal TestSilo Silo { get; private set; } = null!;

        internal TestFrontEnd FrontEnd { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Silo = await TestSilo.StartAsync(null);
            FrontEnd = await TestFrontEnd.StartAsync([Silo], o => o.LpTimeout = TimeSpan.FromSeconds(4), map: app =>
            {
                var sente = app.MapSente();
                TestHandlers.Map(sente);
                sente.On("test/poison", context =>
                {
                    var flushed = context.Data is EdnBool { Value: true };
                    return context.Grains.GetUserGrain(context.UserId!).PushAsync(
                        SenteEvent.Create("test/poison", Nested(80)), flushed ? PushOptions.Flushed : PushOptions.Default);
                });
            });
        }

        public async Task DisposeAsync()
        {
            await FrontEnd.DisposeAsync();
            await Silo.DisposeAsync();
        }
    }
}
