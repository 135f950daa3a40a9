using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Sente's Ajax transport, after <see cref="SenteEndpoint"/> has checked the request:
/// <list type="bullet">
/// <item>GET with <c>handshake?</c>, or from a client the cluster does not know: a new session,
/// answered with the handshake;</item>
/// <item>GET from a client with a session here: the poll parks in it (no call to the cluster);</item>
/// <item>GET from a client known elsewhere in the cluster (the previous poll landed on another
/// front end): the client's grain moves it here, then the poll parks;</item>
/// <item>POST: one client event; answered <c>[:chsk/dummy-cb-200 nil]</c> at once when it wants
/// no reply, else <c>[reply nil]</c>, or <c>[:chsk/timeout nil]</c> after <c>LpTimeout</c>.</item>
/// </list>
/// </summary>
internal sealed partial class AjaxEndpoint(
    IOptions<SenteOptions> options,
    AjaxSessions sessions,
    FrontEndConnections connections,
    BatchScheduler scheduler,
    EventDispatcher dispatcher,
    IGrainFactory grains,
    SenteMetrics metrics,
    ILogger<AjaxEndpoint> logger)
{
    private readonly SenteOptions _options = options.Value;

    public async Task PollAsync(HttpContext context, SenteRequest request, string? userId, int packerIndex, ISentePacker packer)
    {
        var handshake = context.Request.Query.ContainsKey("handshake?");
        if (!handshake && sessions.TryGet(userId, request.ClientId, out var existing))
        {
            await AnswerAsync(context, packer, await existing.PollAsync(context.RequestAborted));
            return;
        }

        using var connect = SenteFrontEndActivities.StartConnect(request.ClientId, SenteTransport.Ajax);
        var session = new AjaxConnection(
            connections.NextId(), request.ClientId, userId, packerIndex, packer,
            _options, scheduler, metrics, logger, Ended)
        {
            SendsResumeMarks = context.Request.Query.TryGetValue(ResumePoint.Param, out var resumeParam),
            ResumeMark = resumeParam,
        };
        var resume = ResumePoint.Parse(resumeParam);
        sessions.Add(session);
        bool known;
        try
        {
            known = await connections.OpenAsync(session, resume, context.RequestAborted) && !handshake;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClusterUnavailable(logger, e, request.ClientId);
            session.Close(SenteCloseReason.ClusterUnavailable);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("The cluster is unavailable; retry shortly.");
            return;
        }

        LogOpened(logger, session.Id, request.ClientId, userId, known ? "resumed" : "handshake");
        if (known)
        {
            connect?.Dispose();
            await AnswerAsync(context, packer, await session.PollAsync(context.RequestAborted));
            return;
        }

        connect?.Dispose();
        byte[] body;
        using (SenteFrontEndActivities.StartHandshake())
        {
            body = session.Pack(Envelope.HandshakeFrame(SenteEndpoint.UidValue(userId), _options.HandshakeDataFn(request)));
        }

        session.Touch();
        await AnswerAsync(context, packer, body);
    }

    public async Task PostAsync(HttpContext context, string clientId, string? userId, ISentePacker packer, ReadOnlyMemory<byte> frame)
    {
        ClientMessage message;
        try
        {
            message = Envelope.ReadClientMessage(packer.Unpack(frame.Span), packer.EventIdsAreStrings);
        }
        catch (SentePackException e)
        {
            metrics.Rejected("bad-frame");
            LogBadPost(logger, clientId, e.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(packer.IsBinary ? "Bad request: unreadable body." : "Bad request: unreadable ppstr.");
            return;
        }

        metrics.Received();
        var @event = message.Event;
        if (!message.WantsReply)
        {
            // Sente answers at once and runs the handler after.
            await AnswerAsync(context, packer, packer.PackToArray(Envelope.DummyCb200Frame));
            await context.Response.CompleteAsync();
            await dispatcher.DispatchAsync(Context(context, userId, clientId, @event, null));
            return;
        }

        var reply = new TaskCompletionSource<EdnValue>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (@event.Id == Envelope.WsPing)
        {
            reply.TrySetResult(Envelope.Pong);
        }

        var handling = dispatcher.DispatchAsync(Context(context, userId, clientId, @event, @event.Id == Envelope.WsPing ? null : v => reply.TrySetResult(v)));
        EdnValue answer;
        try
        {
            answer = Envelope.ReplyFrame(await reply.Task.WaitAsync(_options.LpTimeout, context.RequestAborted), null);
        }
        catch (TimeoutException)
        {
            answer = Envelope.TimeoutFrame;
        }

        byte[] body;
        try
        {
            body = packer.PackToArray(answer);
        }
        catch (SentePackException e)
        {
            // A reply this client's packer cannot write costs that reply alone: the request is
            // answered as one whose reply never came, as a WebSocket client's callback would end.
            metrics.Dropped(PackedEvent.UnpackableReason);
            LogUnpackableReply(logger, e, clientId, packer.Name);
            body = packer.PackToArray(Envelope.TimeoutFrame);
        }

        await AnswerAsync(context, packer, body);

        // The handler may outlive the request (a reply after the timeout goes nowhere); its failures
        // are logged by the dispatcher.
        _ = handling;
    }

    private SenteEventContext Context(HttpContext http, string? userId, string clientId, SenteEvent @event, Action<EdnValue>? reply) =>
        new(userId, clientId, SenteTransport.Ajax, @event, reply, http.User, grains, CancellationToken.None);

    /// <summary>
    /// A session ended. Only one that expired (no poll for <c>AjaxSessionTimeout</c>) is detached from
    /// its grain: any other was taken over or closed by the grain, never attached, or ends with this
    /// front end's goodbye (see <see cref="FrontEndConnections.Closed"/>).
    /// </summary>
    private void Ended(AjaxConnection session, bool expired)
    {
        sessions.Remove(session);
        connections.Closed(session, detach: expired);
    }

    private static async Task AnswerAsync(HttpContext context, ISentePacker packer, byte[]? body)
    {
        if (body is null || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = packer.IsBinary ? "application/octet-stream" : "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    [LoggerMessage(EventId = 1213, Level = LogLevel.Warning, Message = "Reply to Ajax client {ClientId} dropped: the {Packer} packer cannot write it")]
    private static partial void LogUnpackableReply(ILogger logger, Exception exception, string clientId, string packer);

    [LoggerMessage(EventId = 1216, Level = LogLevel.Debug, Message = "Ajax session {ConnectionId} opened ({How}): client {ClientId}, user {UserId}")]
    private static partial void LogOpened(ILogger logger, long connectionId, string clientId, string? userId, string how);

    [LoggerMessage(EventId = 1217, Level = LogLevel.Warning, Message = "Dropped an unreadable Ajax POST from client {ClientId}: {Problem}")]
    private static partial void LogBadPost(ILogger logger, string clientId, string problem);

    [LoggerMessage(EventId = 1218, Level = LogLevel.Error, Message = "Could not register Ajax client {ClientId} with the cluster")]
    private static partial void LogClusterUnavailable(ILogger logger, Exception exception, string clientId);
}
