namespace Orleans.Sente;

/// <summary>
/// The one place that makes and reads grain keys.
/// <list type="bullet">
/// <item>A user grain's key is <c>"u:" + user-id</c>, or <c>"nil"</c> for Sente's nil-uid
/// (every client whose user-id function gave nothing).</item>
/// <item>A client grain's key joins the user's key and the client-id as
/// <c>"{length of user key}:{user key}{client-id}"</c>: the client-id is chosen by the client and
/// unauthenticated, so two users presenting the same client-id get two different grains, and
/// no choice of client-id can make one user's key look like another's.</item>
/// <item>A grain's storage key (<see cref="StorageKey"/>) is its grain key, escaped so that no
/// storage provider rewrites it.</item>
/// </list>
/// </summary>
public static class SenteKeys
{
    /// <summary>The key of the user grain that holds every client without a user-id.</summary>
    public const string NilUserKey = "nil";

    private const string UserPrefix = "u:";

    /// <summary>Longest client-id accepted (Sente's are 36-character uuids).</summary>
    public const int MaxClientIdLength = 128;

    /// <summary>Longest user-id accepted.</summary>
    public const int MaxUserIdLength = 512;

    /// <summary>The user grain key of a user-id; null is Sente's nil-uid.</summary>
    /// <exception cref="ArgumentException">The user-id is not well-formed UTF-16 (a lone surrogate).</exception>
    public static string UserKey(string? userId) =>
        userId is null ? NilUserKey
        : IsWellFormed(userId) ? UserPrefix + userId
        : throw new ArgumentException(NotWellFormed("user-id"), nameof(userId));

    /// <summary>Checks a server-computed user-id: not too long, well-formed text.</summary>
    public static bool IsValidUserId(string? userId, out string? problem)
    {
        problem = userId switch
        {
            null => null,
            { Length: > MaxUserIdLength } => $"user-id longer than {MaxUserIdLength} characters",
            _ when !IsWellFormed(userId) => NotWellFormed("user-id"),
            _ => null,
        };
        return problem is null;
    }

    /// <summary>
    /// Grain keys travel as UTF-8, where a lone surrogate becomes U+FFFD: two ids that differ only
    /// there would name one grain, so such ids are refused rather than folded.
    /// </summary>
    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string NotWellFormed(string what) => $"{what} is not well-formed text (it holds a lone surrogate)";

    /// <summary>The user-id of a user grain key; null for the nil-uid.</summary>
    public static string? UserIdOf(string userKey) =>
        userKey == NilUserKey ? null
        : userKey.StartsWith(UserPrefix, StringComparison.Ordinal) ? userKey[UserPrefix.Length..]
        : throw new FormatException($"Not a user grain key: '{userKey}'");

    /// <summary>The client grain key of (user-id, client-id).</summary>
    public static string ClientKey(string? userId, string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        if (!IsWellFormed(clientId))
        {
            throw new ArgumentException(NotWellFormed("client-id"), nameof(clientId));
        }

        var userKey = UserKey(userId);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{userKey.Length}:{userKey}{clientId}");
    }

    /// <summary>Splits a client grain key into its user-id and client-id.</summary>
    public static (string? UserId, string ClientId) ParseClientKey(string clientKey)
    {
        var colon = clientKey.IndexOf(':');
        if (colon <= 0 || !int.TryParse(clientKey.AsSpan(0, colon), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            || colon + 1 + length >= clientKey.Length)
        {
            throw new FormatException($"Not a client grain key: '{clientKey}'");
        }

        var userKey = clientKey.Substring(colon + 1, length);
        return (UserIdOf(userKey), clientKey[(colon + 1 + length)..]);
    }

    /// <summary>
    /// Which presence shard holds a user: a stable hash (FNV-1a) of its user grain key, so that
    /// every silo and front end agrees.
    /// </summary>
    public static long PresenceShardOf(string userKey, int shards)
    {
        var hash = 2166136261u;
        foreach (var c in userKey)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash % (uint)shards;
    }

    /// <summary>Longest storage key in escaped form; a longer one is stored under its hash (<see cref="StorageKey"/>).</summary>
    internal const int MaxEscapedStorageKeyLength = 256;

    /// <summary>Starts a storage key made of a hash: never the start of an escaped key (an escape is two uppercase hex digits).</summary>
    internal const string HashedStorageKeyPrefix = "~sha256-";

    /// <summary>
    /// The key under which a grain's state is stored, made from the bytes of its grain key (Orleans
    /// keeps a string key as UTF-8), injectively: two grains never share a stored record.
    /// <para>
    /// Providers do not encode keys, they sanitize them: Azure Table replaces <c>/ \ # ?</c> with
    /// <c>_</c> and refuses control characters, so user-ids <c>col/R</c> and <c>col_R</c> would
    /// share one row; a blob name is a URL path, where <c>\</c> turns into <c>/</c> and <c>/../</c>
    /// segments fold. So the key is escaped: ASCII letters, digits and <c>- . _ : @</c> stand for
    /// themselves, every other byte (the escape character <c>~</c> included) becomes <c>~</c> and two
    /// uppercase hex digits. The result holds nothing a provider rewrites or forbids, so the rewrite
    /// never happens; <c>_</c> may stand for itself because no character of the result turns into it.
    /// </para>
    /// <para>
    /// Stores bound key length (Azure Table: 1 KiB per partition key, which also holds the service
    /// id and grain type; a blob name: 1024 characters), and escaping can triple a key: a user-id of
    /// <see cref="MaxUserIdLength"/> characters outside ASCII escapes to several KiB. An escaped key
    /// longer than <see cref="MaxEscapedStorageKeyLength"/> is replaced by
    /// <see cref="HashedStorageKeyPrefix"/> and the SHA-256 of the grain key in hex. Escaped keys
    /// cannot collide, and a hashed key differs from every escaped key by its prefix; two hashed keys
    /// collide only with SHA-256, and the storage layer keeps the full grain id beside the state and
    /// checks it on read, so even that would fail loudly instead of handing one grain another's state.
    /// </para>
    /// </summary>
    internal static string StorageKey(ReadOnlySpan<byte> grainKey)
    {
        var length = 0;
        foreach (var b in grainKey)
        {
            length += IsPlainInStorageKey(b) ? 1 : 3;
        }

        if (length > MaxEscapedStorageKeyLength)
        {
            return HashedStorageKeyPrefix + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(grainKey));
        }

        var key = new char[length];
        var at = 0;
        foreach (var b in grainKey)
        {
            if (IsPlainInStorageKey(b))
            {
                key[at++] = (char)b;
            }
            else
            {
                key[at++] = '~';
                key[at++] = HexDigits[b >> 4];
                key[at++] = HexDigits[b & 0xF];
            }
        }

        return new string(key);
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static bool IsPlainInStorageKey(byte b) =>
        b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
            or (byte)'-' or (byte)'.' or (byte)'_' or (byte)':' or (byte)'@';

    private const string GroupPrefix = "g:";

    /// <summary>Longest group name accepted.</summary>
    public const int MaxGroupNameLength = 128;

    /// <summary>
    /// The group grain key of a group name: <c>"g:" + name</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not a valid group name (<see cref="IsValidGroupName"/>); the message says why.</exception>
    public static string GroupKey(string name) =>
        IsValidGroupName(name, out var problem) ? GroupPrefix + name : throw new ArgumentException(problem, nameof(name));

    /// <summary>The group name of a group grain key.</summary>
    public static string GroupNameOf(string groupKey) =>
        groupKey.StartsWith(GroupPrefix, StringComparison.Ordinal) ? groupKey[GroupPrefix.Length..]
        : throw new FormatException($"Not a group grain key: '{groupKey}'");

    /// <summary>
    /// Checks a group name: 1 to <see cref="MaxGroupNameLength"/> characters, each a letter, a digit
    /// or one of <c>- _ . : / @ #</c> (no spaces or control characters, so a name reads the same in
    /// logs, URLs and EDN), and well-formed text.
    /// </summary>
    public static bool IsValidGroupName(string? name, out string? problem)
    {
        problem = name switch
        {
            null or "" => "missing group name",
            { Length: > MaxGroupNameLength } => $"group name longer than {MaxGroupNameLength} characters",
            _ when !IsWellFormed(name) => NotWellFormed("group name"),
            _ when FirstBadGroupNameChar(name) is { } bad =>
                $"group name contains {(char.IsControl(bad) || char.IsWhiteSpace(bad) ? $"U+{(int)bad:X4}" : $"'{bad}'")} (letters, digits and - _ . : / @ # only)",
            _ => null,
        };
        return problem is null;
    }

    private static char? FirstBadGroupNameChar(string name)
    {
        foreach (var c in name)
        {
            if (!IsGroupNameChar(c))
            {
                return c;
            }
        }

        return null;
    }

    private static bool IsGroupNameChar(char c) =>
        char.IsLetterOrDigit(c) || char.IsSurrogate(c) || c is '-' or '_' or '.' or ':' or '/' or '@' or '#';

    /// <summary>Checks a client-chosen client-id: present, not too long, printable.</summary>
    public static bool IsValidClientId(string? clientId, out string? problem)
    {
        problem = clientId switch
        {
            null or "" => "missing client-id",
            { Length: > MaxClientIdLength } => $"client-id longer than {MaxClientIdLength} characters",
            _ when clientId.Any(char.IsControl) => "client-id contains control characters",
            _ when !IsWellFormed(clientId) => NotWellFormed("client-id"),
            _ => null,
        };
        return problem is null;
    }
}
