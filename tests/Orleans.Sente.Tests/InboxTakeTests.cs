using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Grains;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;
using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Tests;

/// <summary>
/// Durable pushes survive a take of the inbox that fails after the inbox was read: the user grain
/// acknowledges only what it delivered, so the next time the user comes online they arrive, once
/// each and in order. The failure is made by a real Orleans incoming call filter on the test silo,
/// which lets the inbox answer and then fails the call on its way back.
/// </summary>
public sealed class InboxTakeTests : IAsyncLifetime
{
    private readonly UidPortRecorder _uidPorts = new();
    private readonly FailingTakeFilter _filter = new();
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(
            null,
            o => o.WsCloseGrace = TimeSpan.FromMilliseconds(400),
            silo => silo.AddIncomingGrainCallFilter(_filter));
        _frontEnd = await TestFrontEnd.StartAsync([_silo], map: app => TestHandlers.Map(_uidPorts.Map(app.MapSente())));
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Fact]
    public async Task Durable_pushes_whose_take_failed_arrive_at_the_next_connect_once_each_in_order()
    {
        var uid = "ines-" + Guid.NewGuid().ToString("N")[..8];
        var user = _silo.Grains.GetUserGrain(uid);
        _filter.FailNextTakeOf(SenteKeys.UserKey(uid));
        for (var i = 1; i <= 3; i++)
        {
            await user.PushAsync(SenteEvent.Create("test/kept", i), PushOptions.DurablePush);
        }

        // First connect: the inbox is read, but the take fails on its way back to the user grain.
        var (first, _) = await TestClient.ConnectAsync(_frontEnd, uid);
        Assert.StartsWith($"open {uid} ", await _uidPorts.NextAsync(uid));
        await _filter.Failed.Task.WaitAsync(TestTimeouts.Frame);
        await user.PushAsync(SenteEvent.Create("test/live", 0), PushOptions.Flushed);
        Assert.Equal([":test/live 0"], await first.ReceiveEventsAsync(1));
        await first.DisposeAsync();
        Assert.Equal($"close {uid} {uid}", await _uidPorts.NextAsync(uid));

        // Next connect: all three, in order, then a live push (nothing twice).
        var (second, _) = await TestClient.ConnectAsync(_frontEnd, uid);
        Assert.StartsWith($"open {uid} ", await _uidPorts.NextAsync(uid));
        Assert.Equal([":test/kept 1", ":test/kept 2", ":test/kept 3"], await second.ReceiveEventsAsync(3));
        await user.PushAsync(SenteEvent.Create("test/live", 1), PushOptions.Flushed);
        Assert.Equal([":test/live 1"], await second.ReceiveEventsAsync(1));
        await second.DisposeAsync();
        Assert.Equal($"close {uid} {uid}", await _uidPorts.NextAsync(uid));

        // The delivered pushes were acknowledged: a third connect gets none of them again.
        var (third, _) = await TestClient.ConnectAsync(_frontEnd, uid);
        await using var _third = third;
        Assert.StartsWith($"open {uid} ", await _uidPorts.NextAsync(uid));
        await user.PushAsync(SenteEvent.Create("test/live", 2), PushOptions.Flushed);
        Assert.Equal([":test/live 2"], await third.ReceiveEventsAsync(1));
    }


    /// <summary>Fails one take of one user's inbox after the inbox grain has answered it.</summary>
    private sealed class FailingTakeFilter : IIncomingGrainCallFilter
    {
        private readonly Lock _lock = new();
        private string? _userKey;

        public TaskCompletionSource Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void FailNextTakeOf(string userKey)
        {
            lock (_lock)
            {
                _userKey = userKey;
            }
        }

        private bool TakeArmed(string userKey)
        {
            lock (_lock)
            {
                if (_userKey != userKey)
                {
                    return false;
                }

                _userKey = null;
                return true;
            }
        }

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            if (context.Grain is IUserInboxGrain inbox
                && context.InterfaceMethod.Name == nameof(IUserInboxGrain.TakeAsync)
                && TakeArmed(inbox.GetPrimaryKeyString()))
            {
                Failed.TrySetResult();
                throw new TimeoutException("The take's answer was lost on its way back.");
            }
        }
    }
}
