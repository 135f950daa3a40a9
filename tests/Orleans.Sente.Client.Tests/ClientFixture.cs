using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Protocol;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Client.Tests;

/// <summary>
/// One silo and one front end for the client's tests: the shared test handlers, plus a handler
/// that never replies, handlers that push back when the server sees a client ping or pong, and a
/// middleware that refuses WebSocket upgrades carrying <c>refuse-ws</c> (for the Ajax fallback).
/// The server pings sockets idle for half a second, so every WebSocket test also answers pings.
/// </summary>
public sealed class ClientFixture : IAsyncLifetime
{
    public const string RefuseWsParam = "refuse-ws";

    internal TestSilo Silo { get; private set; } = null!;

    internal TestFrontEnd FrontEnd { get; private set; } = null!;

    /// <summary>The Sente endpoint, <c>http://127.0.0.1:port/chsk</c>.</summary>
    public Uri Endpoint => new(FrontEnd.BaseUri, "/chsk");

    public async Task InitializeAsync()
    {
        Silo = await TestSilo.StartAsync(null);
        FrontEnd = await TestFrontEnd.StartAsync(
            [Silo],
            o =>
            {
                o.HandshakeDataFn = _ => EdnMap.Of(("server", "s1"));
                o.WsKeepAlive = TimeSpan.FromSeconds(1);
            },
            map: Map);
    }

    public async Task DisposeAsync()
    {
        await FrontEnd.DisposeAsync();
        await Silo.DisposeAsync();
    }

    private static void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.Upgrade == "websocket" && context.Request.Query.ContainsKey(RefuseWsParam))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync("No WebSockets here.");
                return;
            }

            await next();
        });
        var sente = app.MapSente();
        TestHandlers.Map(sente);
        sente
            .On("test/silent", _ => Task.CompletedTask)
            .On("chsk/ws-ping", context => PushBackAsync(context, "test/pinged"))
            .On("chsk/ws-pong", context => PushBackAsync(context, "test/ponged"));
    }

    private static Task PushBackAsync(SenteEventContext context, string eventId) =>
        context.Grains.GetUsersGrain(context.UserId).PushToClientAsync(context.ClientId, SenteEvent.Create(eventId), PushOptions.Flushed);
}

[CollectionDefinition(Name)]
public sealed class ClientCollection : ICollectionFixture<ClientFixture>
{
    public const string Name = "client";
}
