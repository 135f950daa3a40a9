using System.Threading.Channels;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Client.Tests;

/// <summary>Making clients against the fixture, and awaiting what they see, always with a timeout.</summary>
internal static class ClientKit
{
    public static SenteClient Create(ClientFixture fixture, string? uid, Action<SenteClientOptions>? configure = null)
    {
        var options = new SenteClientOptions { Uri = fixture.Endpoint };
        if (uid is not null)
        {
            options.Params[TestFrontEnd.TestUidParam] = uid;
        }

        configure?.Invoke(options);
        return new SenteClient(options);
    }

    public static string NewUid(string name) => $"{name}-{Guid.NewGuid():N}";

    public static Task Bounded(this Task task) => task.WaitAsync(TestTimeouts.Frame);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(TestTimeouts.Frame);

    /// <summary>The next pushed event with this id from <see cref="SenteClient.ReadEventsAsync"/>, skipping others.</summary>
    public static async Task<SenteEvent> NextEventAsync(this SenteClient client, string eventId)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        await foreach (var @event in client.ReadEventsAsync(timeout.Token))
        {
            if (@event.Id.FullName == eventId)
            {
                return @event;
            }
        }

        throw new InvalidOperationException("The event stream ended.");
    }

    /// <summary>Pushes one flushed event to one client of a user (null: nil-uid).</summary>
    public static Task PushAsync(ClientFixture fixture, string? uid, string clientId, string eventId, EdnValue? data = null) =>
        fixture.FrontEnd.Grains.GetUsersGrain(uid).PushToClientAsync(clientId, SenteEvent.Create(eventId, data), PushOptions.Flushed);
}

/// <summary>Records every state a client goes through, for awaiting a particular one.</summary>
internal sealed class StateRecorder
{
    private readonly Channel<SenteClientState> _states = Channel.CreateUnbounded<SenteClientState>();

    public StateRecorder(SenteClient client) => client.StateChanged += (_, e) => _states.Writer.TryWrite(e.NewState);

    /// <summary>The next recorded state that satisfies <paramref name="match"/>.</summary>
    public async Task<SenteClientState> WaitForAsync(Func<SenteClientState, bool> match)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Frame);
        while (true)
        {
            var state = await _states.Reader.ReadAsync(timeout.Token);
            if (match(state))
            {
                return state;
            }
        }
    }
}
