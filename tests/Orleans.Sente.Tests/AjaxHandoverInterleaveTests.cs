using System.Text.Json;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// An Ajax client that moves again while the handover of its previous move is under way never holds
/// its user's grain: pushes to the user's other clients go on while the old front end has not
/// answered, and the moving client still gets every push once. The old front end's answer is held
/// back by a real Orleans outgoing call filter on the test silo, until the test lets it go.
/// </summary>
public sealed class AjaxHandoverInterleaveTests : IAsyncLifetime
{
    private readonly HeldRelease _filter = new();
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd1 = null!;
    private TestFrontEnd _frontEnd2 = null!;
    private TestFrontEnd _frontEnd3 = null!;

    public async Task InitializeAsync()
    {
        // A handover that is not answered is given up only after far longer than the test waits.
        _silo = await TestSilo.StartAsync(
            null,
            o => o.AjaxHandoverTimeout = TimeSpan.FromMinutes(1),
            silo => silo.AddOutgoingGrainCallFilter(_filter).AddIncomingGrainCallFilter(_filter));
        _frontEnd1 = await TestFrontEnd.StartAsync([_silo], o => o.LpTimeout = TimeSpan.FromSeconds(1));
        _frontEnd2 = await TestFrontEnd.StartAsync([_silo], o => o.LpTimeout = TimeSpan.FromSeconds(1));
        _frontEnd3 = await TestFrontEnd.StartAsync([_silo], o => o.LpTimeout = TimeSpan.FromSeconds(1));
    }

    public async Task DisposeAsync()
    {
        _filter.Release();
        await _frontEnd1.DisposeAsync();
        await _frontEnd2.DisposeAsync();
        await _frontEnd3.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task A_push_during_a_second_move_of_an_ajax_client_is_not_held_up_by_the_pending_handover()
    {
        var uid = "hop-" + Guid.NewGuid().ToString("N")[..8];
        var (tab, _) = await TestClient.ConnectAsync(_frontEnd1, uid);
        await using var _tab = tab;
        using var ajax = new AjaxClient("ajax-" + Guid.NewGuid().ToString("N")[..8], uid, packer: "json");
        await ajax.GetAsync(_frontEnd1, handshake: true);

        // First move, to front end 2: front end 1's answer is held back.
        _filter.HoldNextRelease();
        var secondPoll = ajax.GetAsync(_frontEnd2);
        await _filter.Held.Task.WaitAsync(TestTimeouts.Frame);

        // Second move, to front end 3, while that handover is pending.
        var thirdPoll = ajax.GetAsync(_frontEnd3);
        await _filter.SecondAttach.Task.WaitAsync(TestTimeouts.Frame);

        // The user's WebSocket tab gets a push at once: the user grain is not held for the handover.
        await _silo.Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("test/live", 1), PushOptions.Flushed).WaitAsync(TestTimeouts.Frame);
        Assert.Equal([(":test/live", "1")], await tab.ReceivePushesAsync(1));

        // Once front end 1 answers, the Ajax client gets the push too, on its new session, once.
        _filter.Release();
        var events = new List<string>();
        events.AddRange(Events((await secondPoll).Body));
        events.AddRange(Events((await thirdPoll).Body));
        using var deadline = new CancellationTokenSource(TestTimeouts.Frame);
        while (!events.Contains(":test/live 1") && !deadline.IsCancellationRequested)
        {
            events.AddRange(Events((await ajax.GetAsync(_frontEnd3)).Body));
        }

        await _silo.Grains.GetUserGrain(uid).PushAsync(SenteEvent.Create("test/live", 2), PushOptions.Flushed);
        while (!events.Contains(":test/live 2") && !deadline.IsCancellationRequested)
        {
            events.AddRange(Events((await ajax.GetAsync(_frontEnd3)).Body));
        }

        Assert.Equal([":test/live 1", ":test/live 2"], events);
    }

    /// <summary>The pushes of an Ajax answer, as "id data"; none for a timeout or a handshake.</summary>
    private static IEnumerable<string> Events(string body)
    {
        var payload = JsonDocument.Parse(body).RootElement[0];
        if (payload.ValueKind != JsonValueKind.Array || payload.GetArrayLength() == 0 || payload[0].ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        return payload.EnumerateArray().Select(e => $"{e[0].GetString()} {e[1].GetRawText()}").ToList();
    }

    /// <summary>
    /// Holds back one front end's release of an Ajax session (a grain's outgoing call) until released,
    /// and tells when a client's second attach reaches its user grain.
    /// </summary>
    private sealed class HeldRelease : IOutgoingGrainCallFilter, IIncomingGrainCallFilter
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;
        private int _attachesAfterHold;

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondAttach { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void HoldNextRelease() => Volatile.Write(ref _armed, 1);

        public void Release() => _release.TrySetResult();

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IFrontEndObserver.ReleaseAjaxAsync) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                Held.TrySetResult();
                await _release.Task;
            }

            await context.Invoke();
        }

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IUserRoutingGrain.AttachAsync) && Held.Task.IsCompleted
                && Interlocked.Increment(ref _attachesAfterHold) == 1)
            {
                SecondAttach.TrySetResult();
            }

            return context.Invoke();
        }
    }
}
