using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Sente.Grains;

/// <summary>
/// A push to an explicit set of users: one call from the caller, fanned out here to the user
/// grains in parallel. Completes when every user grain accepted it, so a caller's next push to
/// any of them comes after it.
/// </summary>
[StatelessWorker]
internal sealed class UserSetPushGrain : Grain, IUserSetPushGrain
{
    public async Task<int> PushAsync(ImmutableArray<string> userIds, SenteEvent @event, PushOptions? options)
    {
        await Task.WhenAll(userIds.Select(userId => GrainFactory.GetUserGrain(userId).PushAsync(@event, options)));
        return userIds.Length;
    }
}
