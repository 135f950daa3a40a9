namespace Orleans.Sente.Grains;

/// <summary>
/// One session of the front ends' shared session store. Held in memory (soft state, like routes);
/// the activation is kept for as long as the entry lives, and an expired entry reads as absent.
/// A deployment that wants sessions to survive a silo loss gives this grain persistent storage.
/// </summary>
internal sealed class SessionGrain(TimeProvider clock) : Grain, ISessionGrain
{
    private byte[]? _value;
    private SessionExpiry? _expiry;
    private DateTimeOffset _expiresAt;

    public Task<byte[]?> GetAsync()
    {
        if (Expired())
        {
            return Task.FromResult<byte[]?>(null);
        }

        Slide();
        return Task.FromResult(_value);
    }

    public Task SetAsync(byte[] value, SessionExpiry expiry)
    {
        _value = value;
        _expiry = expiry;
        Slide();
        return Task.CompletedTask;
    }

    public Task RefreshAsync()
    {
        if (!Expired())
        {
            Slide();
        }

        return Task.CompletedTask;
    }

    public Task RemoveAsync()
    {
        Clear();
        return Task.CompletedTask;
    }

    private bool Expired()
    {
        if (_value is not null && clock.GetUtcNow() >= _expiresAt)
        {
            Clear();
        }

        return _value is null;
    }

    private void Slide()
    {
        var now = clock.GetUtcNow();
        var expiresAt = _expiry?.AbsoluteUtc ?? DateTimeOffset.MaxValue;
        if (_expiry?.Sliding is { } sliding && now + sliding < expiresAt)
        {
            expiresAt = now + sliding;
        }

        _expiresAt = expiresAt;

        // Keep the activation (and so the entry) alive until it expires, at most a year.
        var keep = expiresAt == DateTimeOffset.MaxValue ? TimeSpan.FromDays(365) : expiresAt - now;
        DelayDeactivation(keep > TimeSpan.FromDays(365) ? TimeSpan.FromDays(365) : keep);
    }

    private void Clear()
    {
        _value = null;
        _expiry = null;
        DeactivateOnIdle();
    }
}
