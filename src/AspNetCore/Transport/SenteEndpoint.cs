using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Serves the Sente path: checks the request, resolves the user-id, and hands the
/// connection to its transport. Bad requests get a clear status and text before any upgrade.
/// </summary>
internal sealed partial class SenteEndpoint(
    IOptions<SenteOptions> options,
    PackerRegistry packers,
    FrontEndConnections connections,
    BatchScheduler scheduler,
    EventDispatcher dispatcher,
    IGrainFactory grains,
    SenteMetrics metrics,
    SenteRequestChecks checks,
    AjaxEndpoint ajax,
    IHostApplicationLifetime lifetime,
    ILogger<SenteEndpoint> logger)
{
    private static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(15);
    private const int FormOverheadBytes = 4096;
    private readonly SenteOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Stopping: its sockets are being closed with 1012; a client reconnecting at once
            // must land elsewhere (a load balancer retries another front end on 503).
            await RejectAsync(context, StatusCodes.Status503ServiceUnavailable, "stopping", "Service restarting: reconnect.");
            return;
        }

        var query = context.Request.Query;
        var post = HttpMethods.IsPost(context.Request.Method);
        IFormCollection? form = null;
        if (post && context.Request.HasFormContentType)
        {
            form = await ReadSendFormAsync(context);
            if (form is null)
            {
                return;
            }
        }

        // Sente's checks come first, on every GET, POST and upgrade alike.
        if (await checks.CheckAsync(context, form) is { } refused)
        {
            await RejectAsync(context, refused.Rejection.Status, refused.Reason, refused.Rejection.Body);
            return;
        }

        string? clientId = query["client-id"];
        if (string.IsNullOrEmpty(clientId) && form is not null)
        {
            clientId = form["client-id"];
        }

        if (!SenteKeys.IsValidClientId(clientId, out var problem))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "bad-client-id", $"Bad request: {problem}.");
            return;
        }

        string? packerName = query["packer"];
        if (string.IsNullOrEmpty(packerName) && form is not null)
        {
            packerName = form["packer"];
        }

        if (string.IsNullOrEmpty(packerName))
        {
            // Sente's client sends nothing naming its packer: the endpoint's packer, else the server's.
            packerName = context.GetEndpoint()?.Metadata.GetMetadata<SenteEndpointPacker>()?.Name;
        }

        if (!packers.TryGet(packerName, out var packerIndex))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "unknown-packer", $"Bad request: unknown packer '{packerName}' (this server speaks {packers.Names}).");
            return;
        }

        var packer = packers[packerIndex];
        ReadOnlyMemory<byte> sent = default;
        if (post && packer.IsBinary)
        {
            // A binary packer's client posts the frame itself as an octet-stream body.
            if (form is not null)
            {
                await RejectAsync(context, StatusCodes.Status400BadRequest, "bad-post", $"Bad request: an Ajax send with the {packer.Name} packer is an octet-stream body.");
                return;
            }

            var (body, refusal) = await AjaxBinaryBody.ReadAsync(context, _options.MaxMessageBytes);
            if (refusal is { } r)
            {
                await RejectAsync(context, r.Status, r.Reason, r.Text);
                return;
            }

            sent = body;
        }
        else if (post && (form is null || !form.ContainsKey("ppstr")))
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "bad-post", "Bad request: an Ajax send is a form with client-id and ppstr.");
            return;
        }
        else if (post)
        {
            sent = System.Text.Encoding.UTF8.GetBytes(form!["ppstr"].ToString());
        }

        var request = new SenteRequest(context, clientId!);
        var userId = await _options.UserIdFn(request);
        if (!SenteKeys.IsValidUserId(userId, out var userIdProblem))
        {
            // The user-id is the server's own (UserIdFn), so this is the application's error, not the client's.
            await RejectAsync(context, StatusCodes.Status500InternalServerError, "bad-user-id", $"The server computed a bad user-id: {userIdProblem}.");
            return;
        }

        if (post)
        {
            // A send needs no session: it may land on any front end.
            await ajax.PostAsync(context, request.ClientId, userId, packer, sent);
            return;
        }

        try
        {
            await connections.Registered.WaitAsync(RegistrationWait, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            await RejectAsync(context, StatusCodes.Status503ServiceUnavailable, "not-registered", "This front end has not joined the cluster yet; retry shortly.");
            return;
        }

        if (context.WebSockets.IsWebSocketRequest)
        {
            await RunWebSocketAsync(context, request, userId, packerIndex);
        }
        else
        {
            await ajax.PollAsync(context, request, userId, packerIndex, packers[packerIndex]);
        }
    }

    private static readonly WebSocketAcceptContext NoProtocolPings = new() { KeepAliveInterval = TimeSpan.Zero };

    private async Task RunWebSocketAsync(HttpContext context, SenteRequest request, string? userId, int packerIndex)
    {
        // Sente's own keep-alive (the Heartbeat's ws-ping) watches the socket; no protocol-level
        // ping timer per socket on top of it.
        var connect = SenteFrontEndActivities.StartConnect(request.ClientId, SenteTransport.WebSocket);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(NoProtocolPings);
        var connection = new WebSocketConnection(
            connections.NextId(), request.ClientId, userId, packerIndex, packers[packerIndex],
            socket, context.Abort, _options, scheduler, metrics, logger)
        {
            SendsResumeMarks = context.Request.Query.TryGetValue(ResumePoint.Param, out var resumeParam),
            ResumeMark = resumeParam,
        };
        var resume = ResumePoint.Parse(resumeParam);

        // The handshake is queued first, and sending starts only once the user's grain
        // knows the route: a client that has seen its handshake can already be pushed to.
        using (SenteFrontEndActivities.StartHandshake())
        {
            connection.SendValue(Envelope.HandshakeFrame(UidValue(userId), _options.HandshakeDataFn(request)));
        }

        LogConnected(logger, connection.Id, request.ClientId, userId);
        try
        {
            try
            {
                await connections.OpenAsync(connection, resume, context.RequestAborted);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogClusterUnavailable(logger, e, request.ClientId);
                connect?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "cluster unavailable");
                connection.Close(SenteCloseReason.ClusterUnavailable);
            }
            finally
            {
                connect?.Dispose();
            }

            var principal = context.User;
            var reason = await connection.RunAsync(message => OnMessageAsync(connection, principal, message), _options.MaxMessageBytes, _options.MaxEventsPerSecond);
            LogDisconnected(logger, connection.Id, request.ClientId, userId, reason?.Text ?? "closed by client");
        }
        finally
        {
            connections.Closed(connection, detach: true);
        }
    }

    /// <summary>
    /// Reads an Ajax send's form within <c>MaxMessageBytes</c> (URL-encoding may triple the
    /// packed message, so the body may be three times that); answers 413 or 400 and returns null
    /// when it cannot.
    /// </summary>
    private async Task<IFormCollection?> ReadSendFormAsync(HttpContext context)
    {
        var limit = _options.MaxMessageBytes;
        var bodyLimit = (3L * limit) + FormOverheadBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = bodyLimit;
        }

        try
        {
            if (context.Request.ContentLength > bodyLimit)
            {
                throw new InvalidDataException("Content-Length over the limit.");
            }

            var (form, refusal) = await AjaxForm.ReadAsync(context, limit);
            if (refusal is { } r)
            {
                await RejectAsync(context, r.Status, r.Reason, r.Text);
            }

            return form;
        }
        catch (Exception e) when (e is InvalidDataException || (e is BadHttpRequestException bad && bad.StatusCode == StatusCodes.Status413PayloadTooLarge))
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, "message-too-big", $"Payload too large: message larger than {limit} bytes.");
        }
        catch (BadHttpRequestException)
        {
            await RejectAsync(context, StatusCodes.Status400BadRequest, "bad-form", "Bad request: unreadable form body.");
        }

        return null;
    }

    private Task OnMessageAsync(WebSocketConnection connection, System.Security.Claims.ClaimsPrincipal principal, ClientMessage message)
    {
        var @event = message.Event;
        Action<EdnValue>? reply = null;
        if (@event.Id == Envelope.WsPing)
        {
            // Sente answers a client ping itself; the application sees the ping without a reply.
            if (message.WantsReply)
            {
                connection.SendValue(Envelope.ReplyFrame(Envelope.Pong, message.CallbackId));
            }
        }
        else if (message.WantsReply)
        {
            var callbackId = message.CallbackId;
            reply = value => connection.SendValue(Envelope.ReplyFrame(value, callbackId));
        }

        var context = new SenteEventContext(
            connection.UserId, connection.ClientId, SenteTransport.WebSocket, @event, reply, principal, grains, connection.Aborted);
        return dispatcher.DispatchAsync(context);
    }

    private async Task RejectAsync(HttpContext context, int status, string reason, string text)
    {
        metrics.Rejected(reason);
        LogRejected(logger, status, text, context.Connection.RemoteIpAddress?.ToString());
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text);
    }

    /// <summary>The user-id as the handshake carries it: a string, or Sente's <c>:sente/nil-uid</c>.</summary>
    internal static EdnValue UidValue(string? userId) => userId is null ? Envelope.NilUid : new EdnString(userId);

    [LoggerMessage(EventId = 1219, Level = LogLevel.Debug, Message = "Connection {ConnectionId} opened: client {ClientId}, user {UserId}")]
    private static partial void LogConnected(ILogger logger, long connectionId, string clientId, string? userId);

    [LoggerMessage(EventId = 1220, Level = LogLevel.Debug, Message = "Connection {ConnectionId} closed: client {ClientId}, user {UserId}: {Reason}")]
    private static partial void LogDisconnected(ILogger logger, long connectionId, string clientId, string? userId, string reason);

    [LoggerMessage(EventId = 1221, Level = LogLevel.Warning, Message = "Refused a Sente request with {Status}: {Reason} (from {Remote})")]
    private static partial void LogRejected(ILogger logger, int status, string reason, string? remote);

    [LoggerMessage(EventId = 1222, Level = LogLevel.Error, Message = "Could not register client {ClientId} with the cluster")]
    private static partial void LogClusterUnavailable(ILogger logger, Exception exception, string clientId);
}
