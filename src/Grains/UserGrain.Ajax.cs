using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Grains;

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

    /// <summary>The pushes to re-send to <paramref name="route"/> because it replaces an Ajax session elsewhere.</summary>
    private async Task<List<SenteEvent>> HandOverAjaxAsync(ClientRoute route, ClientSlot slot)
    {
        if (slot.Route is not { Transport: SenteTransport.Ajax } previous
            || (previous.ConnectionId == route.ConnectionId && previous.FrontEndId == route.FrontEndId))
        {
            return [];
        }

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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Front end {FrontEndId} did not hand over the Ajax session of client {ClientId} of user {UserId}; re-sending its recent pushes")]
    private static partial void LogHandoverFailed(ILogger logger, string? userId, string clientId, string frontEndId, Exception exception);
}
