namespace Sente.Grains;

/// <summary>
/// One session of the front ends' shared session store, kept in grain storage so that a session
/// (a login, its CSRF token) survives the loss of a silo. Written when the session changes and,
/// for a sliding expiry, at most once per half window: never per request or per connect. An
/// expired entry reads as absent.
/// </summary>
internal sealed class SessionGrain(
    [PersistentState("session", SenteGrainStorage.ProviderName)] IPersistentState<SessionState> state,
    TimeProvider clock) : Grain, ISessionGrain
{
    public async Task<byte[]?> GetAsync()
    {
        if (Expired())
        {
            return null;
        }

        await SlideAsync(write: false);
        return state.State.Value;
    }

    public Task SetAsync(byte[] value, SessionExpiry expiry)
    {
        state.State.Value = value;
        state.State.Expiry = expiry;
        return SlideAsync(write: true);
    }

    public Task RefreshAsync() => Expired() ? Task.CompletedTask : SlideAsync(write: false);

    public async Task RemoveAsync()
    {
        await state.ClearStateAsync();
        DeactivateOnIdle();
    }

    private bool Expired()
    {
        if (state.State.Value is not null && clock.GetUtcNow() >= state.State.ExpiresAt)
        {
            state.State = new SessionState();
            DeactivateOnIdle();
        }

        return state.State.Value is null;
    }

    private async Task SlideAsync(bool write)
    {
        var now = clock.GetUtcNow();
        var expiry = state.State.Expiry;
        var expiresAt = expiry?.AbsoluteUtc ?? DateTimeOffset.MaxValue;
        if (expiry?.Sliding is { } sliding && now + sliding < expiresAt)
        {
            expiresAt = now + sliding;

            // Persist a sliding expiry only once it has moved by half a window, so that a
            // session in use costs one write per half window at most.
            write |= expiresAt - state.State.ExpiresAt > sliding / 2;
        }

        state.State.ExpiresAt = expiresAt;
        if (write)
        {
            await state.WriteStateAsync();
        }

        // Keep the activation alive until the entry expires, at most a year.
        var keep = expiresAt == DateTimeOffset.MaxValue ? TimeSpan.FromDays(365) : expiresAt - now;
        DelayDeactivation(keep > TimeSpan.FromDays(365) ? TimeSpan.FromDays(365) : keep);
    }
}

/// <summary>A session's stored form.</summary>
[GenerateSerializer, Alias("sente.SessionState")]
internal sealed class SessionState
{
    [Id(0)]
    public byte[]? Value { get; set; }

    [Id(1)]
    public SessionExpiry? Expiry { get; set; }

    [Id(2)]
    public DateTimeOffset ExpiresAt { get; set; }
}
