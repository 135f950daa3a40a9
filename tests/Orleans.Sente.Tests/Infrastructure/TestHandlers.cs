using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>Handlers the tests talk to.</summary>
internal static class TestHandlers
{
    public static void Map(SenteRouteBuilder sente) => sente
        .On("test/echo", context =>
        {
            context.Reply(context.Data);
            return Task.CompletedTask;
        })
        .On("test/note", context =>
            // An event without a callback: the handler shows it ran by pushing back.
            context.Grains.GetUsersGrain(context.UserId).PushToClientAsync(
                context.ClientId, SenteEvent.Create("test/noted", context.Data), PushOptions.Flushed))
        .On("chsk/bad-event", context =>
            context.Grains.GetUsersGrain(context.UserId).PushToClientAsync(
                context.ClientId, SenteEvent.Create("test/bad-seen", context.Data), PushOptions.Flushed))
        .OnGroupRequest(request => ValueTask.FromResult(request.Group.StartsWith("open-", StringComparison.Ordinal)));

    /// <summary>The grain of a user-id, including the nil-uid.</summary>
    public static IUserGrain GetUsersGrain(this IGrainFactory grains, string? userId) =>
        userId is null ? grains.GetUsersWithoutUidGrain() : grains.GetUserGrain(userId);
}
