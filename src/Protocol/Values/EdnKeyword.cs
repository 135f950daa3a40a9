namespace Orleans.Sente.Protocol;

/// <summary>A keyword such as <c>:chat/msg</c> or <c>:text</c>.</summary>
public sealed record EdnKeyword(string? Namespace, string Name) : EdnValue
{
    /// <summary>True when the keyword has a namespace, as Sente requires of event ids.</summary>
    public bool IsNamespaced => !string.IsNullOrEmpty(Namespace);

    /// <summary>
    /// Makes a keyword from <c>"ns/name"</c>, <c>":ns/name"</c> or <c>"name"</c>.
    /// The split is at the first '/', except for the lone name <c>/</c>.
    /// </summary>
    public static EdnKeyword Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.StartsWith(':') ? text[1..] : text;
        if (s.Length == 0)
        {
            throw new ArgumentException("A keyword needs a name.", nameof(text));
        }

        var slash = s.IndexOf('/');
        return slash <= 0 || slash == s.Length - 1
            ? new EdnKeyword(null, s)
            : new EdnKeyword(s[..slash], s[(slash + 1)..]);
    }

    /// <summary><c>ns/name</c> or <c>name</c>, without the colon.</summary>
    public string FullName => Namespace is null ? Name : Namespace + "/" + Name;
}

/// <summary>A symbol such as <c>sym</c> or <c>foo/bar</c>.</summary>
public sealed record EdnSymbol(string? Namespace, string Name) : EdnValue
{
    public static EdnSymbol Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/');
        return slash <= 0 || slash == text.Length - 1
            ? new EdnSymbol(null, text)
            : new EdnSymbol(text[..slash], text[(slash + 1)..]);
    }

    public string FullName => Namespace is null ? Name : Namespace + "/" + Name;
}
