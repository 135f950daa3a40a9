using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// The one loop that closes batch windows waits for a batch to open when none is, instead of
/// ticking: what it must still do is flush every batch, whenever it opens, and never hold a short
/// window behind a long one.
/// </summary>
public sealed class BatchSchedulerTests
{
    [Fact]
    public async Task Every_batch_is_flushed_whether_it_opens_on_a_waiting_or_a_busy_loop()
    {
        using var scheduler = new BatchScheduler(
            Options.Create(new SenteOptions { SendBufWs = TimeSpan.FromMilliseconds(2), SendBufAjax = TimeSpan.FromMilliseconds(3) }),
            NullLogger<BatchScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);

        // One at a time (the loop has drained and gone back to waiting, or is on its way there),
        // then many at once from several threads.
        for (var i = 0; i < 200; i++)
        {
            var connection = new RecordingConnection(i, i % 3 == 0 ? SenteTransport.Ajax : SenteTransport.WebSocket);
            scheduler.Schedule(connection);
            await connection.Flushed.WaitAsync(TestTimeouts.Frame);
        }

        var many = Enumerable.Range(0, 400).Select(i => new RecordingConnection(i, i % 3 == 0 ? SenteTransport.Ajax : SenteTransport.WebSocket)).ToArray();
        Parallel.ForEach(many, scheduler.Schedule);
        await Task.WhenAll(many.Select(c => c.Flushed)).WaitAsync(TestTimeouts.Frame);
        Assert.All(many, c => Assert.Equal(1, c.Flushes));

        await scheduler.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Frame);
    }

    [Fact]
    public async Task A_WebSocket_window_is_not_held_behind_an_open_Ajax_one()
    {
        using var scheduler = new BatchScheduler(
            Options.Create(new SenteOptions { SendBufWs = TimeSpan.FromMilliseconds(30), SendBufAjax = TimeSpan.FromMinutes(10) }),
            NullLogger<BatchScheduler>.Instance);
        await scheduler.StartAsync(CancellationToken.None);
        var ajax = new RecordingConnection(1, SenteTransport.Ajax);
        var ws = new RecordingConnection(2, SenteTransport.WebSocket);

        scheduler.Schedule(ajax);
        scheduler.Schedule(ws);
        await ws.Flushed.WaitAsync(TestTimeouts.Frame);

        Assert.False(ajax.Flushed.IsCompleted);
        await scheduler.StopAsync(CancellationToken.None).WaitAsync(TestTimeouts.Frame);
    }

    private sealed class RecordingConnection(long id, SenteTransport transport) : SenteConnection(id, "c" + id, "u" + id, 0, JsonPacker.Instance)
    {
        private readonly TaskCompletionSource _flushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _flushes;

        public Task Flushed => _flushed.Task;

        public int Flushes => Volatile.Read(ref _flushes);

        public override SenteTransport Transport => transport;

        public override void Enqueue(PackedEvent packed, bool flush, long epoch = 0, long pushId = 0) => throw new NotSupportedException();

        public override void FlushPending()
        {
            Interlocked.Increment(ref _flushes);
            _flushed.TrySetResult();
        }

        public override void Close(SenteCloseReason reason) => throw new NotSupportedException();
    }
}
