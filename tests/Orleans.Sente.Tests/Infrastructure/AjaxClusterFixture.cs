using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Two silos and two front ends with short timings, so that poll timeouts and grace periods
/// are reached within a test's frame timeout: LpTimeout 500 ms, Ajax session 2 s (a session's
/// next poll may come late on a loaded machine without the session ending), grace 400 ms (WS) /
/// 600 ms (Ajax). Handlers as in Sente's transcripts; uidport events recorded.
/// </summary>
public sealed class AjaxClusterFixture : TwoByTwoClusterFixture
{
    public static readonly TimeSpan LpTimeout = TimeSpan.FromMilliseconds(500);

    private protected override void ConfigureGrains(Grains.SenteGrainOptions o)
    {
        o.WsCloseGrace = TimeSpan.FromMilliseconds(400);
        o.AjaxCloseGrace = TimeSpan.FromMilliseconds(600);
    }

    private protected override Task<TestFrontEnd> StartFrontEndAsync() => TestFrontEnd.StartAsync(
        Silos,
        o =>
        {
            o.LpTimeout = LpTimeout;
            o.AjaxSessionTimeout = TimeSpan.FromSeconds(2);
            o.HandshakeDataFn = _ => EdnMap.Of(("server", "s1"));
        },
        map: app => TestHandlers.Map(UidPorts.Map(app.MapSente())
            .On("my/req", context =>
            {
                context.Reply(EdnMap.Of(("answer", 42)));
                return Task.CompletedTask;
            })
            .On("my/slow", _ => Task.CompletedTask)));
}

[CollectionDefinition(Name)]
public sealed class AjaxClusterCollection : ICollectionFixture<AjaxClusterFixture>
{
    public const string Name = "ajax-cluster";
}
