using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// A message carrying deliveries from a silo to a front end can be lost on the way (its route ran
/// through a silo that died before the cluster declared it dead) or its answer can be: the silo
/// sends it again until the front end takes it, and the front end drops what it already had. The
/// loss is made by a real Orleans outgoing call filter on the test silo.
/// </summary>
public sealed class DeliveryRetryTests : IAsyncLifetime
{
    private readonly LosingDeliveryFilter _filter = new();
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(null, configureSilo: silo => silo.AddOutgoingGrainCallFilter(_filter));
        _frontEnd = await TestFrontEnd.StartAsync([_silo]);
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_delivery_message_lost_on_the_way_or_its_answer_lost_reaches_the_client_once_in_order(bool answerLost)
    {
        var uid = "dora-" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await TestClient.ConnectAsync(_frontEnd, uid);
        await using var _c = client;
        var user = _silo.Grains.GetUserGrain(uid);
        await user.PushAsync(SenteEvent.Create("test/n", 1), PushOptions.Flushed);
        Assert.Equal([":test/n 1"], await client.ReceiveEventsAsync(1));

        _filter.LoseNext(answerLost);
        await user.PushAsync(SenteEvent.Create("test/n", 2), PushOptions.Flushed);
        await _filter.Lost.Task.WaitAsync(TestTimeouts.Frame);
        await user.PushAsync(SenteEvent.Create("test/n", 3), PushOptions.Flushed);

        // 2 arrives (sent again), once, before 3; then nothing more: a later push comes next.
        Assert.Equal([":test/n 2", ":test/n 3"], await client.ReceiveEventsAsync(2));
        await user.PushAsync(SenteEvent.Create("test/n", 4), PushOptions.Flushed);
        Assert.Equal([":test/n 4"], await client.ReceiveEventsAsync(1));
    }


    /// <summary>
    /// Loses the next delivery message to a front end: before it is sent (the message lost on the
    /// way), or after it was taken (its answer lost).
    /// </summary>
    private sealed class LosingDeliveryFilter : IOutgoingGrainCallFilter
    {
        private int _armed;
        private bool _answerLost;

        public TaskCompletionSource Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void LoseNext(bool answerLost)
        {
            _answerLost = answerLost;
            Volatile.Write(ref _armed, 1);
        }

        public async Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name != nameof(IFrontEndObserver.DeliverManyAsync) || Interlocked.Exchange(ref _armed, 0) == 0)
            {
                await context.Invoke();
                return;
            }

            if (_answerLost)
            {
                await context.Invoke();
            }

            Lost.TrySetResult();
            throw new TimeoutException(_answerLost ? "The delivery's answer was lost on its way back." : "The delivery was lost on its way.");
        }
    }
}
