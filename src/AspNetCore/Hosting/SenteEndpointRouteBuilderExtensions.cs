using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Sente.AspNetCore;

/// <summary><c>app.MapSente("/chsk")</c>: the Sente endpoint, in ASP.NET style.</summary>
public static class SenteEndpointRouteBuilderExtensions
{
    public const string DefaultPath = "/chsk";

    /// <summary>
    /// Maps Sente's single path (WebSocket upgrades, and Ajax GETs and POSTs). Returns a builder
    /// that takes event handlers (<c>.On("chat/send", handler)</c>) and endpoint conventions
    /// (<c>.RequireAuthorization()</c>). <paramref name="packer"/> is the packer of this path's
    /// clients that name none (an unmodified Sente client never does): <c>"transit"</c> or
    /// <c>"msgpack"</c> for a Sente app built with that packer; null means <c>SenteOptions.DefaultPacker</c>.
    /// </summary>
    public static SenteRouteBuilder MapSente(this IEndpointRouteBuilder endpoints, string path = DefaultPath, string? packer = null)
    {
        var group = endpoints.MapGroup(path);
        if (packer is not null)
        {
            group.WithMetadata(new SenteEndpointPacker(packer));
        }

        group.MapMethods("", [HttpMethods.Get, HttpMethods.Post], (HttpContext context, SenteEndpoint endpoint) => endpoint.HandleAsync(context))
            .WithDisplayName("Sente " + path);
        return new SenteRouteBuilder(group, endpoints.ServiceProvider.GetRequiredService<SenteHandlers>());
    }
}

/// <summary>The mapped Sente endpoint: add handlers and endpoint conventions.</summary>
public sealed class SenteRouteBuilder(RouteGroupBuilder group, SenteHandlers handlers) : IEndpointConventionBuilder
{
    /// <summary>Handles client event <paramref name="eventId"/> (<c>"ns/name"</c>).</summary>
    public SenteRouteBuilder On(string eventId, SenteEventHandler handler)
    {
        handlers.On(eventId, handler);
        return this;
    }

    /// <summary>
    /// Handles client event <paramref name="eventId"/> with its data bound to <typeparamref name="TRequest"/>
    /// (<c>:first-name</c> fills <c>FirstName</c>); data that does not bind gets the bad-request
    /// answer (<see cref="SenteBinding.BadRequestReply"/>) and never reaches the handler.
    /// </summary>
    public SenteRouteBuilder On<TRequest>(string eventId, Func<TRequest, SenteEventContext, Task> handler)
    {
        handlers.On(eventId, handler);
        return this;
    }

    /// <summary>
    /// Handles client event <paramref name="eventId"/> with its data bound to <typeparamref name="TRequest"/>;
    /// the handler's result is the reply (<c>Total</c> becomes <c>:total</c>). Data that does not
    /// bind gets the bad-request answer (<see cref="SenteBinding.BadRequestReply"/>).
    /// </summary>
    public SenteRouteBuilder On<TRequest, TReply>(string eventId, Func<TRequest, SenteEventContext, Task<TReply>> handler)
    {
        handlers.On(eventId, handler);
        return this;
    }

    /// <summary>Handles events that have no handler of their own.</summary>
    public SenteRouteBuilder OnAny(SenteEventHandler handler)
    {
        handlers.Fallback = handler;
        return this;
    }

    public void Add(Action<EndpointBuilder> convention) => ((IEndpointConventionBuilder)group).Add(convention);

    public void Finally(Action<EndpointBuilder> finallyConvention) => ((IEndpointConventionBuilder)group).Finally(finallyConvention);
}
