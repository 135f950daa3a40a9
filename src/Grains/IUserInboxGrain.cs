using System.Collections.Immutable;
using Orleans.Concurrency;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

/// <summary>
/// The persisted part of a user, kept apart from <see cref="UserGrain"/> so that the user's hot
/// path never touches storage: durable pushes held while the user is offline, and the time the
/// user was last seen. Same key as the user grain. Written only when a durable push finds the
/// user offline, when the inbox is taken, and when the user goes offline.
/// </summary>
[Alias("sente.IUserInboxGrain")]
internal interface IUserInboxGrain : IGrainWithStringKey
{
    /// <summary>Keeps a push for the user's next connect (bounded: the oldest is dropped beyond the limit).</summary>
    [Alias("Keep")]
    Task KeepAsync(SenteEvent @event, bool flush);

    /// <summary>Everything kept, oldest first, and empties the inbox.</summary>
    [Alias("Take")]
    Task<ImmutableArray<InboxPush>> TakeAsync();

    /// <summary>Records when the user's last client left. One-way: the user grain deactivates right after.</summary>
    [OneWay, Alias("SetLastSeen")]
    Task SetLastSeenAsync(DateTimeOffset at);

    [Alias("GetLastSeen")]
    Task<DateTimeOffset?> GetLastSeenAsync();
}

/// <summary>One durable push handed back by <see cref="IUserInboxGrain.TakeAsync"/>.</summary>
[GenerateSerializer, Immutable, Alias("sente.InboxPush")]
internal sealed record InboxPush([property: Id(0)] SenteEvent Event, [property: Id(1)] bool Flush);
