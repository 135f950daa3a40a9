namespace Orleans.Sente.Protocol;

/// <summary>Limits and choices of <see cref="EdnReader"/>.</summary>
public sealed record EdnReaderOptions
{
    /// <summary>Default <see cref="MaxDepth"/>: <see cref="SenteLimits.MaxDepth"/> (100), far more than any event needs.</summary>
    public const int DefaultMaxDepth = SenteLimits.MaxDepth;

    /// <summary>Default <see cref="MaxInputBytes"/>: 8 MiB.</summary>
    public const int DefaultMaxInputBytes = 8 * 1024 * 1024;

    /// <summary>Default <see cref="MaxNumberLength"/>: <see cref="SenteLimits.MaxNumberLength"/> (4128 characters).</summary>
    public const int DefaultMaxNumberLength = SenteLimits.MaxNumberLength;

    private readonly int _maxDepth = DefaultMaxDepth;
    private readonly int _maxNumberLength = DefaultMaxNumberLength;

    public static EdnReaderOptions Default { get; } = new();

    /// <summary>
    /// How deep collections, tagged values and discards may nest (default 100). Deeper input is
    /// refused, so a hostile frame cannot exhaust the stack. It may be lowered, not raised above
    /// <see cref="SenteLimits.MaxDepth"/>: what this reader accepts every packer must be able to write.
    /// </summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init => _maxDepth = InRange(value, SenteLimits.MaxDepth, nameof(MaxDepth));
    }

    /// <summary>The largest frame read, in UTF-8 bytes (default 8 MiB).</summary>
    public int MaxInputBytes { get; init; } = DefaultMaxInputBytes;

    /// <summary>
    /// The longest number token (default 4128 characters): parsing a big integer costs more
    /// than linear time in its length, so its length is bounded. It may be lowered, not raised
    /// above <see cref="SenteLimits.MaxNumberLength"/>; whatever it is, no number has more than
    /// <see cref="SenteLimits.MaxNumberDigits"/> digits.
    /// </summary>
    public int MaxNumberLength
    {
        get => _maxNumberLength;
        init => _maxNumberLength = InRange(value, SenteLimits.MaxNumberLength, nameof(MaxNumberLength));
    }

    /// <summary>
    /// What to do with a tag other than <c>#inst</c> and <c>#uuid</c>. False (the default) refuses
    /// it as Sente's own reader does ("No reader function for tag foo/bar."); true keeps it as an
    /// <see cref="EdnTagged"/>, which prints back unchanged.
    /// </summary>
    public bool KeepUnknownTags { get; init; }

    private static int InRange(int value, int most, string name) =>
        value >= 1 && value <= most ? value : throw new ArgumentOutOfRangeException(name, value, $"Must be between 1 and {most}.");
}
