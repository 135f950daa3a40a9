namespace Sente.Grains;

/// <summary>
/// Calls a grain makes without waiting for them: their failures are handed to a logger, never
/// dropped. The continuation runs off the grain's turn and touches only what it is given.
/// </summary>
internal static class Unawaited
{
    /// <summary>Calls <paramref name="onFailure"/> with <paramref name="state"/> and the failure of <paramref name="call"/>, if it fails.</summary>
    public static void Observe<TState>(Task call, TState state, Action<TState, Exception> onFailure)
    {
        if (call.IsCompletedSuccessfully)
        {
            return;
        }

        call.ContinueWith(
            static (t, s) =>
            {
                var (state, onFailure) = ((TState, Action<TState, Exception>))s!;
                onFailure(state, t.Exception!.GetBaseException());
            },
            (state, onFailure),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
