using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Sente.Grains;

/// <summary>
/// A user's offline inbox and last-seen time, in the silo's default grain storage (Azure Table or
/// Blob in a real cluster, so both survive the restart of every silo). Bounded by
/// <see cref="SenteGrainOptions.InboxLimit"/> and <see cref="SenteGrainOptions.InboxMaxAge"/>:
/// what falls out is counted and logged, never silent. It also keeps whether the user has groups
/// (<see cref="IUserGroupsMarkerGrain"/>), which front ends ask when the user's first connection
/// opens on them.
/// </summary>
// Asked as a user comes online (the inbox, whether it has groups) and then rarely: two minutes idle
// rather than Orleans' default quarter of an hour, so an online user does not keep it in memory.
[CollectionAgeLimit(Minutes = 2)]
internal sealed partial class UserInboxGrain(
    [PersistentState("inbox", SenteGrainStorage.ProviderName)] IPersistentState<UserInboxState> inbox,
    [PersistentState("lastSeen", SenteGrainStorage.ProviderName)] IPersistentState<LastSeenState> lastSeen,
    IOptions<SenteGrainOptions> options,
    SenteGrainMetrics metrics,
    TimeProvider clock,
    ILogger<UserInboxGrain> logger) : Grain, IUserInboxGrain, IUserGroupsMarkerGrain
{
    private readonly SenteGrainOptions _options = options.Value;

    private string UserKey => this.GetPrimaryKeyString();

    public async Task KeepAsync(SenteEvent @event, bool flush)
    {
        var now = clock.GetUtcNow();
        var pushes = inbox.State.Pushes;
        DropExpired(now);
        while (pushes.Count >= _options.InboxLimit)
        {
            pushes.RemoveAt(0);
            Dropped("inbox-full", 1);
            LogInboxFull(logger, UserKey, _options.InboxLimit);
        }

        var push = StoredPush.From(@event, flush, now);
        push.Sequence = ++inbox.State.LastSequence;
        pushes.Add(push);
        await inbox.WriteStateAsync();
        metrics.KeptInInbox();
    }

    public Task<InboxBatch> TakeAsync()
    {
        var pushes = inbox.State.Pushes;
        DropExpired(clock.GetUtcNow());
        if (pushes.Count == 0)
        {
            // Left to idle collection: the front ends of the user coming online ask this grain next
            // whether the user has groups.
            return Task.FromResult(InboxBatch.Empty);
        }

        foreach (var push in pushes.Where(p => p.Sequence == 0))
        {
            // Kept before pushes were numbered: numbered now, in their order, persisted by the acknowledgement.
            push.Sequence = ++inbox.State.LastSequence;
        }

        return Task.FromResult(new InboxBatch(pushes.Select(p => p.ToPush()).ToImmutableArray(), pushes[^1].Sequence));
    }

    public async Task AcknowledgeAsync(long through)
    {
        var delivered = inbox.State.Pushes.TakeWhile(p => p.Sequence != 0 && p.Sequence <= through).Count();
        if (delivered == 0)
        {
            return;
        }

        inbox.State.Pushes.RemoveRange(0, delivered);
        await inbox.WriteStateAsync();
    }

    public async Task SetLastSeenAsync(DateTimeOffset at)
    {
        lastSeen.State.At = at;
        try
        {
            await lastSeen.WriteStateAsync();
        }
        catch (Exception e)
        {
            LogLastSeenFailed(logger, UserKey, e);
        }
    }

    public Task<DateTimeOffset?> GetLastSeenAsync() => Task.FromResult(lastSeen.State.At);

    public Task<bool?> HasGroupsAsync() => Task.FromResult(lastSeen.State.HasGroups);

    public Task NoteGroupsAsync(bool hasGroups)
    {
        // Only an unknown marker: a change the groups record made since the front end read it wins.
        lastSeen.State.HasGroups ??= hasGroups;
        return Task.CompletedTask;
    }

    public async Task SetGroupsAsync(bool hasGroups)
    {
        if (lastSeen.State.HasGroups == hasGroups)
        {
            return;
        }

        lastSeen.State.HasGroups = hasGroups;
        await lastSeen.WriteStateAsync();
    }

    private void DropExpired(DateTimeOffset now)
    {
        var pushes = inbox.State.Pushes;
        var expired = pushes.TakeWhile(p => now - p.AcceptedAt > _options.InboxMaxAge).Count();
        if (expired > 0)
        {
            pushes.RemoveRange(0, expired);
            Dropped("inbox-expired", expired);
            LogInboxExpired(logger, UserKey, expired, _options.InboxMaxAge);
        }
    }

    private void Dropped(string reason, int count)
    {
        inbox.State.Dropped += count;
        metrics.Dropped(reason, count);
    }

    [LoggerMessage(EventId = 1232, Level = LogLevel.Warning, Message = "Could not record the last-seen time of {UserKey}")]
    private static partial void LogLastSeenFailed(ILogger logger, string userKey, Exception exception);

    [LoggerMessage(EventId = 1233, Level = LogLevel.Warning, Message = "Inbox of {UserKey} is full ({Limit}); dropped the oldest durable push")]
    private static partial void LogInboxFull(ILogger logger, string userKey, int limit);

    [LoggerMessage(EventId = 1234, Level = LogLevel.Warning, Message = "Inbox of {UserKey}: dropped {Count} durable pushes older than {MaxAge}")]
    private static partial void LogInboxExpired(ILogger logger, string userKey, int count, TimeSpan maxAge);
}
