using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;
using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Tests;

/// <summary>
/// Pushes a user grain accepted for a client whose front end died: the client gets them when it
/// reconnects through another front end. The front end's death is simulated in process (no renewal,
/// no goodbye, no detach, deliveries lost, sockets cut without a close frame); the deployment crash
/// tests kill a real process.
/// </summary>
public sealed class ReplayWindowTests
{
    [Fact]
    public async Task Pushes_lost_with_a_dead_front_end_reach_a_client_with_resume_marks_once_each_in_order_and_a_plain_client_without_loss()
    {
        await using var silo = await TestSilo.StartAsync(null);
        await using var frontEnd1 = await TestFrontEnd.StartAsync([silo]);
        await using var frontEnd2 = await TestFrontEnd.StartAsync([silo]);
        var user = "rw-" + Guid.NewGuid().ToString("N")[..8];
        var (marked, _) = await TestClient.ConnectAsync(frontEnd1, user, extraQuery: $"&{ResumePoint.Param}=");
        var (plain, _) = await TestClient.ConnectAsync(frontEnd1, user);
        var markedSeen = new Received();
        var plainSeen = new Received();
        await using (marked)
        await using (plain)
        {
            await PushAsync(silo.Grains, user, 1, 10);
            await markedSeen.ReadUntilAsync(marked, 10);
            await plainSeen.ReadUntilAsync(plain, 10);
            Assert.NotNull(markedSeen.Mark);
            Assert.Null(plainSeen.Mark);

            // Front end 1 dies: the pushes accepted from now on are lost on their way to it.
            var cut = frontEnd1.App.Services.GetRequiredService<FrontEndConnections>().CrashForTests();
            await PushAsync(silo.Grains, user, 11, 20);
            cut();
        }

        // Both clients reconnect through front end 2 at once (well before the lease expires), the
        // one with resume marks saying what it last received.
        var (marked2, _) = await TestClient.ConnectAsync(frontEnd2, user, marked.ClientId, extraQuery: $"&{ResumePoint.Param}={markedSeen.Mark}");
        var (plain2, _) = await TestClient.ConnectAsync(frontEnd2, user, plain.ClientId);
        await using (marked2)
        await using (plain2)
        {
            await PushAsync(silo.Grains, user, 21, 30);
            await markedSeen.ReadUntilAsync(marked2, 30);
            await plainSeen.ReadUntilAsync(plain2, 30);
        }

        Assert.Equal(Enumerable.Range(1, 30), markedSeen.Numbers);

        // A plain client cannot say what it received: it gets the window again, 1 to 10 twice.
        Assert.Equal(Enumerable.Range(1, 10).Concat(Enumerable.Range(1, 30)), plainSeen.Numbers);
    }

    [Fact]
    public async Task A_client_with_resume_marks_that_missed_more_than_the_window_holds_gets_exactly_the_last_ones_kept()
    {
        const int limit = 5;
        await using var silo = await TestSilo.StartAsync(null, o => o.ReplayWindowLimit = limit);
        await using var frontEnd1 = await TestFrontEnd.StartAsync([silo]);
        await using var frontEnd2 = await TestFrontEnd.StartAsync([silo]);
        var user = "rwl-" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await TestClient.ConnectAsync(frontEnd1, user, extraQuery: $"&{ResumePoint.Param}=");
        var seen = new Received();
        await using (client)
        {
            await PushAsync(silo.Grains, user, 1, 3);
            await seen.ReadUntilAsync(client, 3);
            Assert.NotNull(seen.Mark);

            // Its front end dies; 17 pushes are accepted and lost on the way, more than the window keeps.
            var cut = frontEnd1.App.Services.GetRequiredService<FrontEndConnections>().CrashForTests();
            await PushAsync(silo.Grains, user, 4, 20);
            cut();
        }

        // Back through front end 2 with its mark (after 3): 4 to 15 left the window and are missed;
        // the last five come again, once each and in order, ahead of a live push.
        var (again, _) = await TestClient.ConnectAsync(frontEnd2, user, client.ClientId, extraQuery: $"&{ResumePoint.Param}={seen.Mark}");
        await using (again)
        {
            await PushAsync(silo.Grains, user, 21, 21);
            await seen.ReadUntilAsync(again, 21);
        }

        Assert.Equal([1, 2, 3, 16, 17, 18, 19, 20, 21], seen.Numbers);
    }

    private static async Task PushAsync(IGrainFactory grains, string user, int from, int to)
    {
        for (var n = from; n <= to; n++)
        {
            await grains.GetUserGrain(user).PushAsync(SenteEvent.Create("test/n", new EdnLong(n)));
        }
    }

    /// <summary>The numbered pushes a client received, in order, and the last resume mark.</summary>
    private sealed class Received
    {
        public List<int> Numbers { get; } = [];

        public string? Mark { get; private set; }

        public async Task ReadUntilAsync(TestClient client, int last)
        {
            while (!Numbers.Contains(last))
            {
                var frame = await client.ReceiveJsonAsync();
                foreach (var e in frame[0].EnumerateArray())
                {
                    if (e[0].GetString() == ":chsk/resume")
                    {
                        Mark = e[1].GetString();
                    }
                    else
                    {
                        Assert.Equal(":test/n", e[0].GetString());
                        Numbers.Add(e[1].GetInt32());
                    }
                }
            }
        }
    }
}
