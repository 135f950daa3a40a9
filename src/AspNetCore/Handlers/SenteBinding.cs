using System.Text.Json;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// How typed handlers (<c>.On&lt;TRequest&gt;</c>, <c>.On&lt;TRequest, TReply&gt;</c>) read an
/// event's data: <see cref="EdnConvert.ToObject{T}(EdnValue, JsonSerializerOptions?)"/> with
/// <see cref="Options"/>, so <c>:first-name</c> fills <c>FirstName</c>, and data that does not
/// fit the type is refused rather than half-filled.
/// </summary>
public static class SenteBinding
{
    /// <summary>The value of <c>:error</c> in the bad-request answer.</summary>
    public const string BadRequestError = "bad-request";

    /// <summary>
    /// <see cref="EdnConvert"/>'s options, strict: a constructor parameter without a default must be
    /// present (<c>RespectRequiredConstructorParameters</c>) and nil is refused where the type says
    /// non-nullable (<c>RespectNullableAnnotations</c>).
    /// </summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>The answer to an event whose data a handler refused: <c>{:error "bad-request" :message message}</c>.</summary>
    public static EdnValue BadRequestReply(string message) =>
        EdnMap.Of(("error", BadRequestError), ("message", message));

    /// <summary>
    /// The event's data as a <typeparamref name="T"/>; throws <see cref="SenteBadRequestException"/>
    /// when it does not bind (wrong kinds, missing fields, nil).
    /// </summary>
    public static T Bind<T>(SenteEventContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        T? value;
        try
        {
            value = EdnConvert.ToObject<T>(context.Data, Options);
        }
        catch (Exception e) when (e is JsonException or SentePackException)
        {
            throw new SenteBadRequestException(Describe(context, typeof(T), e), e);
        }

        return value ?? throw new SenteBadRequestException($"The data of {context.EventId} is nil; {Name(typeof(T))} expected.");
    }

    private static string Describe(SenteEventContext context, Type type, Exception e)
    {
        // System.Text.Json's messages speak of JSON and end with a position in text the client
        // never saw; keep the reason and the path (in the client's key names).
        var reason = e.Message;
        foreach (var tail in (ReadOnlySpan<string>)[" Path:", " Consider "])
        {
            var cut = reason.IndexOf(tail, StringComparison.Ordinal);
            if (cut > 0)
            {
                reason = reason[..cut];
            }
        }

        reason = reason.Replace("The JSON value", "The value", StringComparison.Ordinal)
            .Replace("JSON deserialization", "Binding", StringComparison.Ordinal);
        var path = e is JsonException { Path: { Length: > 1 } p } ? $" (at {p})" : "";
        return $"The data of {context.EventId} does not bind to {Name(type)}: {reason.TrimEnd('.')}{path}.";
    }

    private static string Name(Type type) => type.IsGenericType ? type.ToString() : type.Name;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = EdnConvert.CreateSerializerOptions();
        options.RespectRequiredConstructorParameters = true;
        options.RespectNullableAnnotations = true;
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
