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
    public static string UserKey(string? userId) => userId is null ? NilUserKey : UserPrefix + userId;

    /// <summary>The user-id of a user grain key; null for the nil-uid.</summary>
    public static string? UserIdOf(string userKey) =>
        userKey == NilUserKey ? null
        : userKey.StartsWith(UserPrefix, StringComparison.Ordinal) ? userKey[UserPrefix.Length..]
        : throw new FormatException($"Not a user grain key: '{userKey}'");

    /// <summary>The client grain key of (user-id, client-id).</summary>
    public static string ClientKey(string? userId, string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
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

    /// <summary>Checks a client-chosen client-id: present, not too long, printable.</summary>
    public static bool IsValidClientId(string? clientId, out string? problem)
    {
        problem = clientId switch
        {
            null or "" => "missing client-id",
            { Length: > MaxClientIdLength } => $"client-id longer than {MaxClientIdLength} characters",
            _ when clientId.Any(char.IsControl) => "client-id contains control characters",
            _ => null,
        };
        return problem is null;
    }
}
