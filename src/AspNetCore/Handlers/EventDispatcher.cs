using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Runs the handler of each event in a DI scope of its own, isolating the connection from handler
/// failures. A handler ends in one of these ways:
/// <list type="bullet">
/// <item>it completes: its scope is disposed;</item>
/// <item>it throws <see cref="SenteBadRequestException"/> (a typed handler's data did not bind, or
/// the application refused the data): the client gets <see cref="SenteBinding.BadRequestReply"/>
/// when it asked for a reply, and the event is logged and counted (<c>reason=bad-request</c>);</item>
/// <item>it throws anything else: logged as an error; the client gets no reply (its callback times out);</item>
/// <item>it is cancelled because its connection closed: nothing is logged.</item>
/// </list>
/// </summary>
internal sealed partial class EventDispatcher(
    SenteHandlers handlers, IServiceScopeFactory scopes, SenteMetrics metrics, ILogger<EventDispatcher> logger)
{
    public async Task DispatchAsync(SenteEventContext context)
    {
        if (context.EventId == Envelope.BadEvent)
        {
            // Whatever the transport, an invalid event is counted and logged once, here.
            metrics.Rejected("bad-event");
            LogBadEvent(logger, context.ClientId, context.Data.ToString());
        }

        if (handlers.Find(context.EventId) is not { } handler)
        {
            if (context.EventId.Namespace != "chsk")
            {
                LogUnhandled(logger, context.EventId.ToString(), context.UserId, context.ClientId);
            }

            return;
        }

        using var traced = SenteFrontEndActivities.StartHandle(context.EventId.ToString(), context.ClientId);
        var scope = scopes.CreateAsyncScope();
        try
        {
            context.Services = scope.ServiceProvider;
            await handler(context);
        }
        catch (SenteBadRequestException e)
        {
            traced?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "bad-request");
            metrics.Rejected("bad-request");
            LogBadRequest(logger, context.EventId.ToString(), context.UserId, context.ClientId, e.Message);
            context.Reply(SenteBinding.BadRequestReply(e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.Aborted.IsCancellationRequested)
        {
            traced?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
            LogHandlerFailed(logger, e, context.EventId.ToString(), context.UserId, context.ClientId);
        }
        finally
        {
            await DisposeAsync(scope, context);
        }
    }

    private async Task DisposeAsync(AsyncServiceScope scope, SenteEventContext context)
    {
        try
        {
            await scope.DisposeAsync();
        }
        catch (Exception e)
        {
            // A scoped service that fails to dispose costs a log line, never the connection.
            LogScopeDisposeFailed(logger, e, context.EventId.ToString(), context.ClientId);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Client {ClientId} sent an invalid event: {Raw}")]
    private static partial void LogBadEvent(ILogger logger, string clientId, string? raw);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "No handler for {EventId} from client {ClientId} of user {UserId}")]
    private static partial void LogUnhandled(ILogger logger, string eventId, string? userId, string clientId);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "Handler of {EventId} failed for client {ClientId} of user {UserId}")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string eventId, string? userId, string clientId);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Warning, Message = "Bad request {EventId} from client {ClientId} of user {UserId}: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string eventId, string? userId, string clientId, string reason);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Error, Message = "Disposing the services of the handler of {EventId} for client {ClientId} failed")]
    private static partial void LogScopeDisposeFailed(ILogger logger, Exception exception, string eventId, string clientId);
}
