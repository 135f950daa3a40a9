namespace Orleans.Sente.Protocol;

/// <summary>
/// Transit's cache rules, shared by the writer, the reader and the batch writer. Within one frame
/// a string already written is replaced by a code <c>^0</c>, <c>^1</c>, ... <c>^ZZ</c> (two base-44
/// digits from '0'): a string of four characters or more that is a map key, or that starts with
/// <c>~:</c> (keyword), <c>~$</c> (symbol) or <c>~#</c> (tag). After 44 × 44 entries the cache
/// starts over, on both sides.
/// </summary>
internal static class TransitCache
{
    public const int MinCacheableLength = 4;
    public const int Digits = 44;
    public const int MaxEntries = Digits * Digits;
    private const char FirstDigit = '0';

    public static bool IsCacheable(string s, bool asMapKey) =>
        s.Length >= MinCacheableLength && (asMapKey || (s[0] == '~' && s[1] is ':' or '$' or '#'));

    /// <summary>A cache code: <c>^</c> and one or two digits (<c>"^ "</c> marks a map instead).</summary>
    public static bool IsCode(string s) => s.Length > 0 && s[0] == '^' && s != "^ ";

    public static string Code(int index) => index < Digits
        ? string.Create(2, index, static (span, i) => { span[0] = '^'; span[1] = (char)(i + FirstDigit); })
        : string.Create(3, index, static (span, i) => { span[0] = '^'; span[1] = (char)((i / Digits) + FirstDigit); span[2] = (char)((i % Digits) + FirstDigit); });

    /// <summary>The index a code names, or -1 when it is no code this cache could have written.</summary>
    public static int Index(string code)
    {
        static int Digit(char c) => c >= FirstDigit && c < FirstDigit + Digits ? c - FirstDigit : -1;
        switch (code.Length)
        {
            case 2:
                return Digit(code[1]);
            case 3:
                var (hi, lo) = (Digit(code[1]), Digit(code[2]));
                return hi < 0 || lo < 0 ? -1 : (hi * Digits) + lo;
            default:
                return -1;
        }
    }

    /// <summary>The writer's side: strings written so far and their codes.</summary>
    public sealed class Writing
    {
        private readonly Dictionary<string, string> _codes = new(StringComparer.Ordinal);
        private int _next;

        /// <summary>The code to write instead of <paramref name="s"/>, or null to write it (and remember it when cacheable).</summary>
        public string? Use(string s, bool asMapKey)
        {
            if (!IsCacheable(s, asMapKey))
            {
                return null;
            }

            if (_codes.TryGetValue(s, out var code))
            {
                return code;
            }

            if (_next == MaxEntries)
            {
                _codes.Clear();
                _next = 0;
            }

            _codes.Add(s, Code(_next++));
            return null;
        }
    }
}
