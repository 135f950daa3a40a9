using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// A member client that is away for a moment (its socket dropped, or its front end died) gets the
/// group pushes it missed when it reconnects, on another front end, once each and in the group's
/// order: both a plain Sente client and a client that sends its resume mark back.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GroupReconnectTests(ClusterFixture cluster)
{
    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_member_client_whose_socket_dropped_gets_the_group_pushes_it_missed_on_the_other_front_end_once_each_in_order()
    {
        var (alice, name) = (Unique("alice"), Unique("room"));
        var group = cluster.Silo1.Grains.GetGroupGrain(name);
        await group.AddUserAsync(alice);
        var (plain, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, alice);
        var (marked, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, alice, extraQuery: $"&{ResumePoint.Param}=");
        var plainSeen = new GroupPushesSeen();
        var markedSeen = new GroupPushesSeen();
        await using (plain)
        await using (marked)
        {
            await group.PushAsync(SenteEvent.Create("test/room", "g1"), PushOptions.Flushed);
            await plainSeen.ReadUntilAsync(plain, "g1");
            await markedSeen.ReadUntilAsync(marked, "g1");

            // Both sockets drop without a close frame. Once front end 1 has seen it (the user grain
            // parks both clients), the group pushes twice, through the other silo.
            plain.Abort();
            marked.Abort();
            await Eventually.HoldsAsync(
                () => cluster.Silo2.Grains.GetUserGrain(alice).GetClientIdsAsync(),
                ids => ids.IsEmpty,
                "front end 1 saw both sockets drop");
            await cluster.Silo2.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", "g2"));
            await cluster.Silo2.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("test/room", "g3"), PushOptions.Flushed);
        }

        // Within the grace period, the same clients connect to front end 2.
        var (plain2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, alice, plain.ClientId);
        var (marked2, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, alice, marked.ClientId, extraQuery: $"&{ResumePoint.Param}={markedSeen.Mark}");
        await using (plain2)
        await using (marked2)
        {
            await group.PushAsync(SenteEvent.Create("test/room", "g4"), PushOptions.Flushed);
            await plainSeen.ReadUntilAsync(plain2, "g4");
            await markedSeen.ReadUntilAsync(marked2, "g4");
        }

        Assert.Equal(["g1", "g2", "g3", "g4"], plainSeen.Data);
        Assert.Equal(["g1", "g2", "g3", "g4"], markedSeen.Data);
    }

    [Fact]
    public async Task A_member_client_whose_front_end_died_gets_the_group_pushes_it_missed_on_the_other_front_end_once_each_in_order()
    {
        await using var silo = await TestSilo.StartAsync(null);
        await using var frontEnd1 = await TestFrontEnd.StartAsync([silo]);
        await using var frontEnd2 = await TestFrontEnd.StartAsync([silo]);
        var (bob, name) = (Unique("bob"), Unique("room"));
        var group = silo.Grains.GetGroupGrain(name);
        await group.AddUserAsync(bob);
        var (plain, _) = await TestClient.ConnectAsync(frontEnd1, bob);
        var (marked, _) = await TestClient.ConnectAsync(frontEnd1, bob, extraQuery: $"&{ResumePoint.Param}=");
        var plainSeen = new GroupPushesSeen();
        var markedSeen = new GroupPushesSeen();
        await using (plain)
        await using (marked)
        {
            await group.PushAsync(SenteEvent.Create("test/room", "g1"), PushOptions.Flushed);
            await plainSeen.ReadUntilAsync(plain, "g1");
            await markedSeen.ReadUntilAsync(marked, "g1");

            // Front end 1 dies: no goodbye, no detach, its answers and deliveries lost from now on;
            // the group pushes twice (front end 1 is still a target: its lease has not expired).
            var cut = frontEnd1.App.Services.GetRequiredService<FrontEndConnections>().CrashForTests();
            await group.PushAsync(SenteEvent.Create("test/room", "g2"));
            await group.PushAsync(SenteEvent.Create("test/room", "g3"), PushOptions.Flushed);
            cut();
        }

        // Both reconnect through front end 2 at once, well before the lease expires.
        var (plain2, _) = await TestClient.ConnectAsync(frontEnd2, bob, plain.ClientId);
        var (marked2, _) = await TestClient.ConnectAsync(frontEnd2, bob, marked.ClientId, extraQuery: $"&{ResumePoint.Param}={markedSeen.Mark}");
        await using (plain2)
        await using (marked2)
        {
            await group.PushAsync(SenteEvent.Create("test/room", "g4"), PushOptions.Flushed);
            await plainSeen.ReadUntilAsync(plain2, "g4");
            await markedSeen.ReadUntilAsync(marked2, "g4");
        }

        // The client with resume marks said what it had: exactly what it missed, once each.
        Assert.Equal(["g1", "g2", "g3", "g4"], markedSeen.Data);

        // A plain client cannot say what it received and its front end died with what it knew:
        // the group's window since the client's membership began comes again, g1 twice.
        Assert.Equal(["g1", "g1", "g2", "g3", "g4"], plainSeen.Data);
    }

    [Fact]
    public async Task A_forged_or_garbled_resume_mark_never_gets_a_group_push_from_before_the_membership()
    {
        var (carol, dave, name) = (Unique("carol"), Unique("dave"), Unique("room"));
        var group = cluster.Silo1.Grains.GetGroupGrain(name);
        await group.AddUserAsync(dave);
        await group.AddUserAsync(carol);
        var (first, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, carol, extraQuery: $"&{ResumePoint.Param}=");
        var firstSeen = new GroupPushesSeen();
        await using (first)
        {
            await group.PushAsync(SenteEvent.Create("test/room", "g1"), PushOptions.Flushed);
            await firstSeen.ReadUntilAsync(first, "g1");
        }

        // The mark names the group by the hash of its key, with the group's epoch and carol's position.
        var mark = firstSeen.Mark!;
        var told = mark[(mark.IndexOf('~', StringComparison.Ordinal) + 1)..].Split('.');
        Assert.Equal(Base36(GroupMarks.Hash(SenteKeys.GroupKey(name))), told[0]);
        Assert.Equal("1", told[2]);

        // Carol leaves; the group pushes on to dave; she joins again.
        await group.RemoveUserAsync(carol);
        await group.PushAsync(SenteEvent.Create("test/room", "g2"));
        await group.PushAsync(SenteEvent.Create("test/room", "g3"));
        await group.AddUserAsync(carol);

        // New tabs claim to be at the very start of the group's window, or send marks that are not marks.
        var forged = $"0:0~{told[0]}.{told[1]}.0";
        var (claimant, _) = await TestClient.ConnectAsync(cluster.FrontEnd2, carol, extraQuery: $"&{ResumePoint.Param}={forged}");
        var (garbled, _) = await TestClient.ConnectAsync(cluster.FrontEnd1, carol, extraQuery: $"&{ResumePoint.Param}=x~zz.!!~{told[0]}..~~");
        var claimantSeen = new GroupPushesSeen();
        var garbledSeen = new GroupPushesSeen();
        await using (claimant)
        await using (garbled)
        {
            await group.PushAsync(SenteEvent.Create("test/room", "g4"), PushOptions.Flushed);
            await claimantSeen.ReadUntilAsync(claimant, "g4");
            await garbledSeen.ReadUntilAsync(garbled, "g4");
        }

        Assert.Equal(["g4"], claimantSeen.Data);
        Assert.Equal(["g4"], garbledSeen.Data);
    }

    private static string Base36(uint value)
    {
        var digits = "";
        do
        {
            digits = "0123456789abcdefghijklmnopqrstuvwxyz"[(int)(value % 36)] + digits;
            value /= 36;
        }
        while (value > 0);
        return digits;
    }
}

/// <summary>The group pushes a client received (their data), in order, and its last resume mark.</summary>
internal sealed class GroupPushesSeen
{
    public List<string> Data { get; } = [];

    public string? Mark { get; private set; }

    /// <summary>Reads frames until the push with data <paramref name="last"/> has arrived.</summary>
    public async Task ReadUntilAsync(TestClient client, string last)
    {
        while (!Data.Contains(last))
        {
            Read(await client.ReceiveJsonAsync());
        }
    }

    /// <summary>Reads every frame the client got until its socket closed.</summary>
    public async Task ReadUntilClosedAsync(TestClient client)
    {
        await client.WaitClosedAsync();
        while (true)
        {
            System.Text.Json.JsonElement frame;
            try
            {
                frame = await client.ReceiveJsonAsync();
            }
            catch (InvalidOperationException)
            {
                return;
            }

            Read(frame);
        }
    }

    private void Read(System.Text.Json.JsonElement frame)
    {
        if (frame.ValueKind != System.Text.Json.JsonValueKind.Array || frame[0].ValueKind != System.Text.Json.JsonValueKind.Array
            || frame[0].GetArrayLength() == 0 || frame[0][0].ValueKind != System.Text.Json.JsonValueKind.Array)
        {
            return;
        }

        foreach (var e in frame[0].EnumerateArray())
        {
            if (e[0].GetString() == ":chsk/resume")
            {
                Mark = e[1].GetString();
            }
            else
            {
                Data.Add(e[1].GetString()!);
            }
        }
    }
}

/// <summary>An Ajax member client whose polls land on each front end in turn: every poll on another front end is a new connection.</summary>
[Collection(AjaxClusterCollection.Name)]
public sealed class AjaxGroupReconnectTests(AjaxClusterFixture cluster)
{
    [Fact]
    public async Task An_Ajax_member_client_polling_each_front_end_in_turn_gets_every_group_push_once_in_order()
    {
        var uid = "ajg-" + Guid.NewGuid().ToString("N")[..8];
        var name = "room-" + Guid.NewGuid().ToString("N")[..8];
        using var client = new AjaxClient(Guid.NewGuid().ToString(), uid, packer: "json");
        var fronts = new[] { cluster.FrontEnd1, cluster.FrontEnd2 };
        await client.GetAsync(fronts[0], handshake: true);
        await cluster.Silo1.Grains.GetGroupGrain(name).AddUserAsync(uid);

        const int Count = 30;
        var pusher = Task.Run(async () =>
        {
            for (var n = 1; n <= Count; n++)
            {
                await cluster.Silo2.Grains.GetGroupGrain(name).PushAsync(SenteEvent.Create("my/n", n));
                await Task.Delay(15);
            }
        });

        // Pushes that waited in the session on one front end when the next poll landed on the other
        // come from the group, after what that session had written, before anything newer.
        var received = new List<long>();
        var turn = 1;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (received.Count < Count && !deadline.IsCancellationRequested)
        {
            var (status, body) = await client.GetAsync(fronts[turn++ % 2]);
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            var payload = System.Text.Json.JsonDocument.Parse(body).RootElement[0];
            if (payload.ValueKind == System.Text.Json.JsonValueKind.Array)
            {
                received.AddRange(payload.EnumerateArray().Select(e => e[1].GetInt64()));
            }
        }

        await pusher;
        Assert.Equal(Enumerable.Range(1, Count).Select(n => (long)n), received);
    }
}
