namespace Orleans.Sente.Protocol;

/// <summary>Limits and choices of <see cref="EdnReader"/>.</summary>
public sealed record EdnReaderOptions
{
    /// <summary>Default <see cref="MaxDepth"/>: 100, far more than any event needs.</summary>
    public const int DefaultMaxDepth = 100;

    /// <summary>Default <see cref="MaxInputBytes"/>: 8 MiB.</summary>
    public const int DefaultMaxInputBytes = 8 * 1024 * 1024;

    /// <summary>Default <see cref="MaxNumberLength"/>: 4096 characters.</summary>
    public const int DefaultMaxNumberLength = 4096;

    public static EdnReaderOptions Default { get; } = new();

    /// <summary>
    /// How deep collections, tagged values and discards may nest (default 100). Deeper input is
    /// refused, so a hostile frame cannot exhaust the stack.
    /// </summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>The largest frame read, in UTF-8 bytes (default 8 MiB).</summary>
    public int MaxInputBytes { get; init; } = DefaultMaxInputBytes;

    /// <summary>
    /// The longest number token (default 4096 characters): parsing a big integer costs more
    /// than linear time in its length, so its length is bounded.
    /// </summary>
    public int MaxNumberLength { get; init; } = DefaultMaxNumberLength;

    /// <summary>
    /// What to do with a tag other than <c>#inst</c> and <c>#uuid</c>. False (the default) refuses
    /// it as Sente's own reader does ("No reader function for tag foo/bar."); true keeps it as an
    /// <see cref="EdnTagged"/>, which prints back unchanged.
    /// </summary>
    public bool KeepUnknownTags { get; init; }
}
