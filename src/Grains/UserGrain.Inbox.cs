using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sente.Grains;

/// <summary>
/// The user's persisted side, kept in <see cref="IUserInboxGrain"/> so that this grain's hot
/// path never waits on storage:
/// <list type="bullet">
/// <item>a durable push that finds no connected or parked client is kept in the inbox (the only
/// push that waits on a storage write); one that parked clients held goes there if none of them
/// comes back within the grace;</item>
/// <item>when the user comes online, the inbox is taken and delivered in order; later pushes
/// wait for it, so they never overtake what was kept;</item>
/// <item>when the last client leaves, the last-seen time is written (once per going offline).</item>
/// </list>
/// </summary>
internal sealed partial class UserGrain
{
    private Task _inboxDelivery = Task.CompletedTask;
    private SenteGrainMetrics? _metrics;

    private IUserInboxGrain Inbox => GrainFactory.GetGrain<IUserInboxGrain>(this.GetPrimaryKeyString());

    private SenteGrainMetrics Metrics => _metrics ??= ServiceProvider.GetRequiredService<SenteGrainMetrics>();

    public Task<DateTimeOffset?> GetLastSeenAsync() => Inbox.GetLastSeenAsync();

    /// <summary>True when the push was kept in the inbox: durable, and no client to hold it.</summary>
    private async Task<bool> KeepIfOfflineAsync(SenteEvent @event, PushOptions? options)
    {
        await _inboxDelivery;
        if (options is not { Durable: true } || _clients.Count > 0)
        {
            return false;
        }

        try
        {
            await KeepAsync(@event, options.Flush);
        }
        catch (SenteInboxUnavailableException e)
        {
            // Storage is out of reach: the caller asked for durability and is told it failed;
            // live pushes never touch storage and go on.
            Metrics.Dropped("inbox-unavailable");
            LogInboxUnavailable(logger, UserId, e);
            throw;
        }

        LogKeptInInbox(logger, UserId);
        return true;
    }

    /// <summary>Keeps, in order, the durable pushes that parked clients held when the user went offline.</summary>
    private async Task KeepAllAsync(List<HeldPush> held)
    {
        var kept = 0;
        try
        {
            foreach (var push in held)
            {
                await KeepAsync(push.Event, push.Flush);
                kept++;
            }

            LogKeptFromOutbox(logger, UserId, kept);
        }
        catch (Exception e)
        {
            Metrics.Dropped("inbox-unavailable", held.Count - kept);
            LogInboxUnavailable(logger, UserId, e);
        }
    }

    /// <summary>
    /// Keeps one push in the inbox, within <see cref="SenteGrainOptions.InboxKeepTimeout"/>: storage
    /// that hangs fails the push with its reason well before Orleans' response timeout would.
    /// </summary>
    private async Task KeepAsync(SenteEvent @event, bool flush)
    {
        try
        {
            await Inbox.KeepAsync(@event, flush).WaitAsync(_options.InboxKeepTimeout);
        }
        catch (TimeoutException e)
        {
            throw new SenteInboxUnavailableException($"The inbox of user {UserId} did not keep the durable push within {_options.InboxKeepTimeout.TotalSeconds} s (InboxKeepTimeout): its storage does not answer.", e);
        }
        catch (Exception e) when (e is not SenteInboxUnavailableException)
        {
            throw new SenteInboxUnavailableException($"The inbox of user {UserId} could not keep the durable push: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>The user came online: take the inbox and deliver it before anything newer.</summary>
    private void OnUserOnline()
    {
        Metrics.Online();
        _inboxDelivery = DeliverInboxAsync(_inboxDelivery);
    }

    /// <summary>The user's last client left: record when.</summary>
    private void OnUserOffline()
    {
        Metrics.Offline();
        Observe(Inbox.SetLastSeenAsync(clock.GetUtcNow()), "last-seen write");
    }

    private async Task DeliverInboxAsync(Task previous)
    {
        await previous;
        try
        {
            // Bounded: pushes wait for the inbox (to keep its order), so a slow or lost inbox grain
            // must not hold them for the 30 s call timeout.
            var batch = await Inbox.TakeAsync().WaitAsync(_options.RebuildTimeout);
            if (batch.Pushes.IsEmpty)
            {
                return;
            }

            LogInboxDelivered(logger, UserId, batch.Pushes.Length);
            foreach (var push in batch.Pushes)
            {
                foreach (var (clientId, slot) in _clients)
                {
                    if (RouteOf(clientId, slot) is { } route)
                    {
                        Send(route, slot, push.Event, push.Flush);
                    }
                    else
                    {
                        Hold(clientId, slot, push.Event, push.Flush, durable: true);
                    }
                }
            }

            // Handed to the front ends (or held by parked clients, which return them to the inbox if
            // they never come back): the inbox may forget them now. Not awaited by pushes: they are
            // delivered already; a lost acknowledgement means they come once more at the next connect.
            Observe(Inbox.AcknowledgeAsync(batch.Through), "inbox acknowledgement");
        }
        catch (Exception e)
        {
            // Nothing was removed from the inbox: the next time the user comes online it is taken again.
            LogInboxFailed(logger, UserId, e);
        }
    }

    [LoggerMessage(EventId = 1151, Level = LogLevel.Error, Message = "User {UserId} is offline and the inbox could not keep a durable push")]
    private static partial void LogInboxUnavailable(ILogger logger, string? userId, Exception exception);

    [LoggerMessage(EventId = 1152, Level = LogLevel.Information, Message = "User {UserId} went offline with {Count} durable pushes its parked clients held; kept them in the inbox")]
    private static partial void LogKeptFromOutbox(ILogger logger, string? userId, int count);

    [LoggerMessage(EventId = 1153, Level = LogLevel.Debug, Message = "User {UserId} is offline; kept a durable push in the inbox")]
    private static partial void LogKeptInInbox(ILogger logger, string? userId);

    [LoggerMessage(EventId = 1154, Level = LogLevel.Information, Message = "User {UserId} came online; delivering {Count} durable pushes from the inbox")]
    private static partial void LogInboxDelivered(ILogger logger, string? userId, int count);

    [LoggerMessage(EventId = 1155, Level = LogLevel.Warning, Message = "User {UserId}: could not take the inbox; it keeps its pushes for the next connect")]
    private static partial void LogInboxFailed(ILogger logger, string? userId, Exception exception);
}
