using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// One silo and one front end with handshake data, a small message limit, and a batch window
/// wide enough that three pushes made one after another always fall into it on a busy machine.
/// </summary>
public sealed class SingleFrontEndFixture : IAsyncLifetime
{
    public const int MaxMessageBytes = 4096;
    public const int MaxEventsPerSecond = 100;
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(400);

    internal TestSilo Silo { get; private set; } = null!;

    internal TestFrontEnd FrontEnd { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Silo = await TestSilo.StartAsync(null);
        FrontEnd = await TestFrontEnd.StartAsync([Silo], o =>
        {
            o.HandshakeDataFn = _ => EdnMap.Of(("server", "s1"));
            o.MaxMessageBytes = MaxMessageBytes;
            o.MaxEventsPerSecond = MaxEventsPerSecond;
            o.SendBufWs = BatchWindow;
        });
    }

    public async Task DisposeAsync()
    {
        await FrontEnd.DisposeAsync();
        await Silo.DisposeAsync();
    }
}
