using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Two silos and two front ends with short timings, so that poll timeouts and grace periods
/// are reached within a test's frame timeout: LpTimeout 500 ms, Ajax session 600 ms, grace
/// 400 ms (WS) / 600 ms (Ajax). Handlers as in Sente's transcripts; uidport events recorded.
/// </summary>
public sealed class AjaxClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan LpTimeout = TimeSpan.FromMilliseconds(500);

    internal UidPortRecorder UidPorts { get; } = new();

    internal TestSilo Silo1 { get; private set; } = null!;

    internal TestSilo Silo2 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd1 { get; private set; } = null!;

    internal TestFrontEnd FrontEnd2 { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo1 = await TestSilo.StartAsync(null, Grace);
        Silo2 = await TestSilo.StartAsync(Silo1, Grace);
        FrontEnd1 = await StartFrontEndAsync();
        FrontEnd2 = await StartFrontEndAsync();
    }

    public async Task DisposeAsync()
    {
        await FrontEnd1.DisposeAsync();
        await FrontEnd2.DisposeAsync();
        await Silo2.DisposeAsync();
        await Silo1.DisposeAsync();
    }

    private static void Grace(Grains.SenteGrainOptions o)
    {
        o.WsCloseGrace = TimeSpan.FromMilliseconds(400);
        o.AjaxCloseGrace = TimeSpan.FromMilliseconds(600);
    }

    private Task<TestFrontEnd> StartFrontEndAsync() => TestFrontEnd.StartAsync(
        [Silo1, Silo2],
        o =>
        {
            o.LpTimeout = LpTimeout;
            o.AjaxSessionTimeout = TimeSpan.FromMilliseconds(600);
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
