namespace Orleans.Sente.Protocol;

/// <summary>
/// One Sente event, <c>[ev-id ?data]</c>: a namespaced keyword id and optional data.
/// <see cref="Data"/> is null when the event vector has no second element (<c>[:my/other]</c>),
/// and <see cref="EdnNil"/> when it is an explicit nil.
/// </summary>
public sealed record SenteEvent(EdnKeyword Id, EdnValue? Data = null)
{
    /// <summary>Makes an event from <c>"ns/name"</c> and data.</summary>
    public static SenteEvent Create(string id, EdnValue? data = null) => new(EdnKeyword.Parse(id), data);

    /// <summary>The event as Sente's vector <c>[ev-id data]</c>, or <c>[ev-id]</c> without data.</summary>
    public EdnVector ToVector() => Data is null ? new EdnVector(Id) : new EdnVector(Id, Data);

    public override string ToString() => Data is null ? $"[{Id}]" : $"[{Id} {Data}]";
}
