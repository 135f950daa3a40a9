using System.Collections.Immutable;
using Orleans.Concurrency;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

/// <summary>
/// The persisted part of a user, kept apart from <see cref="UserGrain"/> so that the user's hot
/// path never touches storage: durable pushes held while the user is offline, and the time the
/// user was last seen. Same key as the user grain. Written only when a durable push finds the
/// user offline, when the inbox is taken, when the user goes offline, and when the user gets its
/// first group or loses its last one (<see cref="IUserGroupsMarkerGrain"/>).
/// </summary>
[Alias("sente.IUserInboxGrain")]
internal interface IUserInboxGrain : IGrainWithStringKey
{
    /// <summary>Keeps a push for the user's next connect (bounded: the oldest is dropped beyond the limit).</summary>
    [Alias("Keep")]
    Task KeepAsync(SenteEvent @event, bool flush);

    /// <summary>
    /// Everything kept, oldest first, and the sequence number of the last one. Nothing is removed:
    /// the caller acknowledges what it delivered (<see cref="AcknowledgeAsync"/>), so a take whose
    /// answer is lost, or a caller that fails before delivering, leaves the pushes for the next take.
    /// </summary>
    [Alias("TakeBatch")]
    Task<InboxBatch> TakeAsync();

    /// <summary>Removes the pushes up to and including sequence number <paramref name="through"/>: they were delivered.</summary>
    [Alias("Acknowledge")]
    Task AcknowledgeAsync(long through);

    /// <summary>Records when the user's last client left. One-way: the user grain deactivates right after.</summary>
    [OneWay, Alias("SetLastSeen")]
    Task SetLastSeenAsync(DateTimeOffset at);

    [Alias("GetLastSeen")]
    Task<DateTimeOffset?> GetLastSeenAsync();
}

/// <summary>The pushes of one take, and the sequence number to acknowledge once they are delivered (0 when empty).</summary>
[GenerateSerializer, Immutable, Alias("sente.InboxBatch")]
internal sealed record InboxBatch([property: Id(0)] ImmutableArray<InboxPush> Pushes, [property: Id(1)] long Through)
{
    public static readonly InboxBatch Empty = new([], 0);
}

/// <summary>One durable push handed back by <see cref="IUserInboxGrain.TakeAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("sente.InboxPush")]
internal sealed record InboxPush([property: Id(0)] SenteEvent Event, [property: Id(1)] bool Flush);
