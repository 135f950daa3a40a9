using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client;

/// <summary>Pushed events: the stream and the handlers.</summary>
public sealed partial class SenteClient
{
    private readonly Channel<SenteEvent>? _events;
    private ImmutableDictionary<string, ImmutableArray<Func<SenteEvent, Task>>> _handlers =
        ImmutableDictionary<string, ImmutableArray<Func<SenteEvent, Task>>>.Empty;

    /// <summary>
    /// Every pushed event, unpacked from its batch, in the order received, across reconnects, until
    /// the client is disposed. Events are buffered from the first connect (see
    /// <see cref="SenteClientOptions.EventBufferCapacity"/>); concurrent readers share them.
    /// </summary>
    /// <exception cref="InvalidOperationException">The buffer is turned off (capacity 0).</exception>
    public async IAsyncEnumerable<SenteEvent> ReadEventsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = (_events ?? throw new InvalidOperationException("The event buffer is turned off (EventBufferCapacity = 0); use On handlers.")).Reader;
        while (await reader.WaitToReadAsync(cancellationToken))
        {
            while (reader.TryRead(out var @event))
            {
                yield return @event;
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for every pushed event with this id, before the event enters
    /// <see cref="ReadEventsAsync"/>. Handlers run one at a time in the order events arrive; one that
    /// throws is logged and the others still run. Dispose the result to remove the handler.
    /// </summary>
    /// <param name="eventId">The event id, <c>"my/push"</c> (a leading colon is allowed).</param>
    /// <param name="handler">The handler.</param>
    public IDisposable On(string eventId, Func<SenteEvent, Task> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventId);
        ArgumentNullException.ThrowIfNull(handler);
        var key = EdnKeyword.Parse(eventId).FullName;
        ImmutableInterlocked.AddOrUpdate(ref _handlers, key, [handler], (_, existing) => existing.Add(handler));
        return new Registration(this, key, handler);
    }

    private async ValueTask DeliverAsync(IReadOnlyList<SenteEvent> events, CancellationToken cancellationToken)
    {
        foreach (var @event in events)
        {
            if (_handlers.TryGetValue(@event.Id.FullName, out var handlers))
            {
                foreach (var handler in handlers)
                {
                    try
                    {
                        await handler(@event);
                    }
                    catch (Exception e)
                    {
                        ClientLog.HandlerFailed(_logger, e, @event.Id.FullName);
                    }
                }
            }

            if (_events is not null && !_events.Writer.TryWrite(@event))
            {
                try
                {
                    await _events.Writer.WriteAsync(@event, cancellationToken);
                }
                catch (ChannelClosedException)
                {
                    // Disposed: nobody reads any more.
                }
            }
        }
    }

    private void Remove(string key, Func<SenteEvent, Task> handler) =>
        ImmutableInterlocked.Update(ref _handlers, handlers =>
            handlers.TryGetValue(key, out var list) && list.Remove(handler) is var left
                ? left.IsEmpty ? handlers.Remove(key) : handlers.SetItem(key, left)
                : handlers);

    private sealed class Registration(SenteClient client, string key, Func<SenteEvent, Task> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                client.Remove(key, handler);
            }
        }
    }
}
