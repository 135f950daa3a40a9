using System.Collections.Immutable;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend;

/// <summary>
/// The object grains call on this front end. Orleans runs its calls one at a time, which
/// keeps pushes to a connection in the order the grain sent them. Every method returns at
/// once: deliveries only queue into connections.
/// </summary>
internal sealed class FrontEndObserver(ConnectionStore connections, string frontEndId, SenteMetrics metrics) : IFrontEndObserver
{
    /// <summary>Set once the observer reference exists; routes carry it.</summary>
    public IFrontEndObserver? Reference { get; set; }

    public Task DeliverAsync(Delivery delivery)
    {
        var packed = new PackedEvent(delivery.Event);
        var sequences = delivery.Sequences;
        for (var i = 0; i < delivery.ConnectionIds.Length; i++)
        {
            if (connections.TryGet(delivery.ConnectionIds[i], out var connection))
            {
                connection.Deliver(packed, delivery.Flush, delivery.Epoch, sequences.IsDefaultOrEmpty ? 0 : sequences[i]);
            }
            else
            {
                metrics.Dropped("connection-gone");
            }
        }

        return Task.CompletedTask;
    }

    public Task BroadcastAsync(SenteEvent @event, bool flush)
    {
        var packed = new PackedEvent(@event);
        foreach (var connection in connections.All)
        {
            connection.Enqueue(packed, flush);
        }

        return Task.CompletedTask;
    }

    public Task<ImmutableArray<ClientRoute>> GetRoutesOfUserAsync(string? userId)
    {
        var reference = Reference ?? throw new InvalidOperationException("The front end is not registered yet.");
        return Task.FromResult(connections.OfUser(userId)
            .Select(c => new ClientRoute(frontEndId, c.Id, c.Transport, c.UserId, c.ClientId, reference))
            .ToImmutableArray());
    }

    public Task CloseAsync(long connectionId, string reason)
    {
        if (connections.TryGet(connectionId, out var connection))
        {
            connection.Close(SenteCloseReason.Replaced);
        }

        return Task.CompletedTask;
    }
}
