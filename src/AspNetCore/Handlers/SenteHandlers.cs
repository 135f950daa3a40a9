using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>The application's handlers for client events, by event id, plus an optional catch-all.</summary>
public sealed class SenteHandlers
{
    private readonly Dictionary<EdnKeyword, SenteEventHandler> _byId = [];

    /// <summary>Handlers with nothing registered but the refusal of group requests (<see cref="SenteGroupRequests"/>).</summary>
    public SenteHandlers() => SenteGroupRequests.RefuseAll(this);

    /// <summary>Handles every event that has no handler of its own (including <c>:chsk/*</c> events).</summary>
    public SenteEventHandler? Fallback { get; set; }

    /// <summary>Registers the handler of one event id (<c>"chat/send"</c>).</summary>
    public SenteHandlers On(string eventId, SenteEventHandler handler)
    {
        var id = EdnKeyword.Parse(eventId);
        if (!id.IsNamespaced)
        {
            throw new ArgumentException($"Sente event ids are namespaced keywords; '{eventId}' has no namespace.", nameof(eventId));
        }

        _byId[id] = handler;
        return this;
    }

    /// <summary>
    /// Registers a handler that receives the event's data bound to <typeparamref name="TRequest"/>
    /// (<see cref="SenteBinding"/>). Data that does not bind never reaches it: the client gets
    /// the bad-request answer instead.
    /// </summary>
    public SenteHandlers On<TRequest>(string eventId, Func<TRequest, SenteEventContext, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On(eventId, context => handler(SenteBinding.Bind<TRequest>(context), context));
    }

    /// <summary>
    /// Registers a handler that receives the event's data bound to <typeparamref name="TRequest"/>
    /// and whose result, converted with <see cref="EdnConvert.FromObject(object?)"/>, is the reply
    /// to the client's callback.
    /// </summary>
    public SenteHandlers On<TRequest, TReply>(string eventId, Func<TRequest, SenteEventContext, Task<TReply>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return On(eventId, async context =>
        {
            var reply = await handler(SenteBinding.Bind<TRequest>(context), context);
            context.Reply(EdnConvert.FromObject(reply));
        });
    }

    internal SenteEventHandler? Find(EdnKeyword id) => _byId.TryGetValue(id, out var handler) ? handler : Fallback;
}
