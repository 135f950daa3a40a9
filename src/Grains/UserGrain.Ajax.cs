using Microsoft.Extensions.Logging;

namespace Sente.Grains;

/// <summary>
/// Ajax without sticky sessions. A client's consecutive polls may land on different front ends;
/// each front end keeps a session between polls and buffers pushes while no poll is parked. When
/// a poll lands elsewhere, this grain takes the session over: it asks the previous front end for
/// what it had not written yet (and up to which sequence number it had admitted), and sends that
/// first, followed by its own record of pushes still in flight to the old front end, so the client
/// sees every push once and in order.
/// </summary>
internal sealed partial class UserGrain
{
    /// <summary>Records a push sent to an Ajax route, for a possible handover; bounded by count and age.</summary>
    private void Remember(ClientRoute route, ClientSlot slot, SenteEvent @event)
    {
        if (route.Transport != SenteTransport.Ajax)
        {
            return;
        }

        var log = slot.SentLog ??= new Queue<SentPush>();
        var now = clock.GetUtcNow();
        log.Enqueue(new SentPush(slot.NextSequence, @event, now));
        var horizon = now - _options.AjaxCloseGrace;
        while (log.Count > _options.OutboxLimit || (log.Count > 0 && log.Peek().At < horizon))
        {
            log.Dequeue();
        }
    }

    private static bool NeedsAjaxHandover(ClientRoute route, ClientSlot slot) =>
        slot.Route is { Transport: SenteTransport.Ajax } previous && !SameConnection(previous, route);

    /// <summary>
    /// Runs when the previous front end has answered (or not, within the timeout), off any grain call:
    /// the handed-over pushes go first, then what waited in the outbox meanwhile. A client that moved
    /// or closed meanwhile finds them at the head of its outbox.
    /// </summary>
    private async Task CompleteHandoverAsync(ClientRoute route, ClientSlot slot, Task<List<SenteEvent>> handover, ClientRoute? replaced, long number)
    {
        var handedOver = await handover;
        if (slot.Handovers == number)
        {
            // A later move's handover, chained after this one, ends the wait itself.
            slot.Handover = null;
        }

        if (slot.Route is { } current && SameConnection(current, route))
        {
            foreach (var @event in handedOver)
            {
                Send(route, slot, @event, flush: true);
            }

            ReplayOutbox(route, slot);
        }
        else if (handedOver.Count > 0)
        {
            slot.Outbox = new Queue<HeldPush>(handedOver.Select(e => new HeldPush(e, true, false)).Concat(slot.Outbox ?? EmptyOutbox));
        }

        if (replaced is not null)
        {
            // Its unsent pushes were taken over; closing it only matters when it is still parked somewhere.
            CloseReplaced(replaced);
        }
    }

    /// <summary>
    /// A handover of a move made while the previous move's is under way: it completes after that one,
    /// which found the client gone from its route and put what it recovered at the head of the outbox.
    /// </summary>
    private static async Task<List<SenteEvent>> AfterAsync(Task pending, Task<List<SenteEvent>>? handover)
    {
        await pending;
        return handover is null ? [] : await handover;
    }

    /// <summary>The pushes to re-send to <paramref name="route"/> because it replaces an Ajax session elsewhere.</summary>
    private async Task<List<SenteEvent>> HandOverAjaxAsync(ClientRoute route, ClientSlot slot)
    {
        var previous = slot.Route!;
        var log = slot.SentLog;
        slot.SentLog = null;
        AjaxHandover handover;
        try
        {
            handover = await previous.FrontEnd.ReleaseAjaxAsync(previous.ConnectionId, _epoch).WaitAsync(_options.AjaxHandoverTimeout);
        }
        catch (Exception e)
        {
            // The old front end did not answer: re-send the whole window rather than lose any of it.
            LogHandoverFailed(logger, UserId, route.ClientId, previous.FrontEndId, e);
            return log?.Select(p => p.Event).ToList() ?? [];
        }

        var resend = new List<SenteEvent>(handover.Unsent);
        if (log is not null)
        {
            var admitted = handover.Epoch == _epoch ? handover.AdmittedThrough : 0;
            resend.AddRange(log.Where(p => p.Sequence > admitted).Select(p => p.Event));
        }

        return resend;
    }

    private readonly record struct SentPush(long Sequence, SenteEvent Event, DateTimeOffset At);

    [LoggerMessage(EventId = 1141, Level = LogLevel.Warning, Message = "Front end {FrontEndId} did not hand over the Ajax session of client {ClientId} of user {UserId}; re-sending its recent pushes")]
    private static partial void LogHandoverFailed(ILogger logger, string? userId, string clientId, string frontEndId, Exception exception);
}
