using Orleans.Sente.AspNetCore;
using System.Threading.Channels;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>Records the uidport events the application's handlers see, across front ends, for awaiting.</summary>
internal sealed class UidPortRecorder
{
    private readonly Channel<string> _events = Channel.CreateUnbounded<string>();

    /// <summary>Registers the two handlers; they record "open uid user-id client-id" and "close uid user-id".</summary>
    public SenteRouteBuilder Map(SenteRouteBuilder sente) => sente
        .On("chsk/uidport-open", context => Record($"open {context.Data.AsString() ?? ":sente/nil-uid"} {context.UserId ?? ":sente/nil-uid"} {context.ClientId}"))
        .On("chsk/uidport-close", context => Record($"close {context.Data.AsString() ?? ":sente/nil-uid"} {context.UserId ?? ":sente/nil-uid"}"));

    /// <summary>The next recorded event about <paramref name="uid"/>, skipping other users', or a timeout.</summary>
    public async Task<string> NextAsync(string uid, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TestTimeouts.Frame);
        while (true)
        {
            var e = await _events.Reader.ReadAsync(cts.Token);
            if (e.Split(' ')[1] == uid)
            {
                return e;
            }

            // Another test's user: keep it for nobody (tests use unique user-ids).
        }
    }

    private Task Record(string e)
    {
        _events.Writer.TryWrite(e);
        return Task.CompletedTask;
    }
}
