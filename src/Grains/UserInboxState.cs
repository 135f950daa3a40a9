using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

/// <summary>
/// The stored inbox. Events are kept as EDN text (id and data apart), so the stored form is
/// plain, readable in the table or blob, and independent of the in-memory value model.
/// </summary>
[GenerateSerializer, Alias("sente.UserInboxState")]
public sealed class UserInboxState
{
    [Id(0)]
    public List<StoredPush> Pushes { get; set; } = [];

    /// <summary>Pushes dropped from this inbox since it was created (over the limit or too old).</summary>
    [Id(1)]
    public long Dropped { get; set; }

    /// <summary>The sequence number of the last push kept; each push gets the next one.</summary>
    [Id(2)]
    public long LastSequence { get; set; }
}

/// <summary>One kept push, as stored.</summary>
[GenerateSerializer, Alias("sente.StoredPush")]
public sealed class StoredPush
{
    [Id(0)]
    public string EventId { get; set; } = "";

    /// <summary>The event's data printed as EDN; null when the event has no data element.</summary>
    [Id(1)]
    public string? Data { get; set; }

    [Id(2)]
    public bool Flush { get; set; }

    [Id(3)]
    public DateTimeOffset AcceptedAt { get; set; }

    /// <summary>Its place in the inbox, for acknowledging a take; 0 in pushes stored before it existed (numbered on the next take).</summary>
    [Id(4)]
    public long Sequence { get; set; }

    internal static StoredPush From(SenteEvent @event, bool flush, DateTimeOffset at) => new()
    {
        EventId = @event.Id.FullName,
        Data = @event.Data is null ? null : EdnPrinter.Print(@event.Data),
        Flush = flush,
        AcceptedAt = at,
    };

    internal InboxPush ToPush() =>
        new(new SenteEvent(EdnKeyword.Parse(EventId), Data is null ? null : EdnReader.Read(Data)), Flush);
}

/// <summary>
/// The stored last-seen time of a user, and whether the user is in any group: read with the inbox
/// when the user comes online, so that a user without groups costs no read of a groups record.
/// </summary>
[GenerateSerializer, Alias("sente.LastSeenState")]
public sealed class LastSeenState
{
    [Id(0)]
    public DateTimeOffset? At { get; set; }

    /// <summary>Whether the user (or a client of it) is in a group; null when not known yet (a record from before it was kept).</summary>
    [Id(1)]
    public bool? HasGroups { get; set; }
}
