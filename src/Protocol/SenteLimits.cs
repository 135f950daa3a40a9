namespace Orleans.Sente.Protocol;

/// <summary>
/// The bounds every reader and every packer share, so that whatever one reader accepts from a
/// client every packer can write to another, and every reader can read back.
/// </summary>
public static class SenteLimits
{
    /// <summary>
    /// How deep a frame may nest (100): vectors, lists, sets, maps and tagged values each count a
    /// level, at the top of the frame as well as inside it. Every reader refuses a deeper frame and
    /// every packer a deeper value, with <see cref="SentePackException"/>.
    /// </summary>
    public const int MaxDepth = 100;

    /// <summary>
    /// How many digits a number may carry (4096), not counting an exponent: an integer's decimal
    /// digits (however it was written: <c>0x..</c> and <c>36r..</c> print longer than they read),
    /// a ratio's numerator and denominator together, a decimal's or double's mantissa. Parsing and
    /// printing a big integer cost more than linear time in its length, so a client may not choose it.
    /// </summary>
    public const int MaxNumberDigits = 4096;

    /// <summary>
    /// The longest number token a reader looks at (4128 characters): <see cref="MaxNumberDigits"/>
    /// and room for a sign, point, exponent and suffix, so that any number read prints back as a
    /// token no longer than this (<c>1.222...E+4093M</c> from <c>1222...e1M</c>).
    /// </summary>
    public const int MaxNumberLength = MaxNumberDigits + 32;
}
