namespace Orleans.Sente.Client;

/// <summary>Decides how long a <see cref="SenteClient"/> waits before each reconnect attempt.</summary>
public interface IReconnectPolicy
{
    /// <summary>
    /// The delay before retry <paramref name="attempt"/> (0 is the first retry after a close;
    /// a handshake resets the count), or null to stop retrying.
    /// </summary>
    TimeSpan? NextDelay(int attempt);
}

/// <summary>
/// Exponential backoff with full jitter: the first retry is immediate; retry n (n &gt;= 1) waits
/// a uniformly random time in [0, min(<see cref="MaxDelay"/>, <see cref="BaseDelay"/> * 2^(n-1))].
/// With the defaults: at most 2 s, 4 s, 8 s, 16 s, then never more than 30 s.
/// </summary>
public sealed class ExponentialBackoffReconnectPolicy : IReconnectPolicy
{
    /// <summary>The default <see cref="BaseDelay"/>: 2 s.</summary>
    public static readonly TimeSpan DefaultBaseDelay = TimeSpan.FromSeconds(2);

    /// <summary>The default <see cref="MaxDelay"/>: 30 s.</summary>
    public static readonly TimeSpan DefaultMaxDelay = TimeSpan.FromSeconds(30);

    private readonly Func<double> _random;

    /// <summary>Makes the policy; <paramref name="random"/> returns a uniform value in [0, 1) (default <see cref="Random.Shared"/>).</summary>
    public ExponentialBackoffReconnectPolicy(TimeSpan? baseDelay = null, TimeSpan? maxDelay = null, Func<double>? random = null)
    {
        BaseDelay = baseDelay ?? DefaultBaseDelay;
        MaxDelay = maxDelay ?? DefaultMaxDelay;
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(baseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, TimeSpan.Zero, nameof(maxDelay));
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>The jitter ceiling of the second retry; it doubles per retry. Default 2 s.</summary>
    public TimeSpan BaseDelay { get; }

    /// <summary>The cap on any delay. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; }

    /// <inheritdoc />
    public TimeSpan? NextDelay(int attempt)
    {
        if (attempt <= 0)
        {
            return TimeSpan.Zero;
        }

        // 2^(n-1) overflows long before the cap matters: clamp the exponent.
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        return TimeSpan.FromMilliseconds(ceiling * _random());
    }
}
