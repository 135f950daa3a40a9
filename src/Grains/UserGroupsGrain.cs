using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Sente.Grains;

/// <summary>
/// The groups of one user, in grain storage: what a front end asks when the user's first connection
/// opens on it, and the place of the groups-per-user limit. A change is written once and told to the
/// live front ends (one call each), never per connect. Whether the user has any group is also kept
/// with the user's last-seen time (<see cref="IUserGroupsMarkerGrain"/>), which front ends ask first:
/// set before the user's first group is written and told, cleared once its last one is gone.
/// </summary>
// Asked as a user comes online (the inbox, whether it has groups) and then rarely: two minutes idle
// rather than Orleans' default quarter of an hour, so an online user does not keep it in memory.
[CollectionAgeLimit(Minutes = 2)]
internal sealed partial class UserGroupsGrain(
    [PersistentState("groups", SenteGrainStorage.ProviderName)] IPersistentState<UserGroupsState> state,
    FrontEndDirectory directory,
    IOptions<SenteGrainOptions> options,
    ILogger<UserGroupsGrain> logger) : Grain, IUserGroupsGrain
{
    private readonly SenteGrainOptions _options = options.Value;

    private string? UserId => SenteKeys.UserIdOf(this.GetPrimaryKeyString());

    private bool HasGroups => state.State.Groups.Count > 0 || state.State.ClientGroups.Count > 0;

    private IUserGroupsMarkerGrain Marker => GrainFactory.GetGrain<IUserGroupsMarkerGrain>(this.GetPrimaryKeyString());

    // Interleaves (see the interface): a front end may ask while a change waits for the front ends'
    // answers; what it gets is then older than what it is told, and it keeps the newer version.
    public Task<UserGroups> GetAsync() => Task.FromResult(Snapshot());

    public async Task AddAsync(string groupKey, string? clientId)
    {
        var groups = clientId is null ? state.State.Groups : state.State.ClientGroups.GetValueOrDefault(clientId);
        if (groups?.Contains(groupKey) == true)
        {
            return;
        }

        if (groups?.Count >= _options.MaxGroupsPerUser)
        {
            throw new SenteGroupLimitException(clientId is null
                ? $"User '{UserId}' is in {groups.Count} groups, the most allowed (MaxGroupsPerUser = {_options.MaxGroupsPerUser})."
                : $"Client '{clientId}' of user '{UserId}' is in {groups.Count} groups, the most allowed (MaxGroupsPerUser = {_options.MaxGroupsPerUser}).");
        }

        if (!HasGroups)
        {
            // Before the group is written or told anywhere: a front end that finds the marker
            // cleared then finds the group too.
            await Marker.SetGroupsAsync(true);
        }

        if (groups is null)
        {
            groups = new HashSet<string>(StringComparer.Ordinal);
            state.State.ClientGroups[clientId!] = groups;
        }

        groups.Add(groupKey);
        await ChangedAsync();
    }

    public async Task RemoveAsync(string groupKey, string? clientId)
    {
        var groups = clientId is null ? state.State.Groups : state.State.ClientGroups.GetValueOrDefault(clientId);
        if (groups?.Remove(groupKey) != true)
        {
            return;
        }

        if (clientId is not null && groups.Count == 0)
        {
            state.State.ClientGroups.Remove(clientId);
        }

        await ChangedAsync();
        await ClearMarkerIfNoneAsync();
    }

    public async Task ClientGoneAsync(string clientId)
    {
        if (!state.State.ClientGroups.Remove(clientId, out var groups))
        {
            return;
        }

        state.State.Version++;
        await state.WriteStateAsync();
        await ClearMarkerIfNoneAsync();

        // Not awaited: a group that is itself waiting on this grain (adding a member) must not wait
        // for this one in turn. A failure is logged: the client stays a member of that group.
        var userId = UserId!;
        foreach (var groupKey in groups)
        {
            Unawaited.Observe(
                GrainFactory.GetGrain<IGroupFanOutGrain>(groupKey).ForgetClientAsync(userId, clientId),
                (logger, userId, clientId, SenteKeys.GroupNameOf(groupKey)),
                static (s, e) => LogForgetFailed(s.logger, s.userId, s.clientId, s.Item4, e));
        }
    }

    private async Task ChangedAsync()
    {
        state.State.Version++;
        await state.WriteStateAsync();
        var snapshot = Snapshot();
        ImmutableArray<FrontEndLease> live;
        try
        {
            live = await directory.GetLiveAsync(_options.LeasePeriod);
        }
        catch (Exception e)
        {
            LogTellFailed(logger, UserId, "registry", e);
            return;
        }

        // Every live front end is told (those without the user's connections ignore it), and answers
        // once its index holds the change: the caller's next push finds it in place. A front end that
        // does not answer in time learns the change when the user's next connection opens there.
        await Task.WhenAll(live.Select(async lease =>
        {
            try
            {
                await lease.Observer.UserGroupsChangedAsync(UserId, snapshot).WaitAsync(_options.RebuildTimeout);
            }
            catch (Exception e)
            {
                LogTellFailed(logger, UserId, lease.FrontEndId, e);
            }
        }));
    }

    /// <summary>The user's last group is gone (and written): its marker is cleared; a failure leaves it set, which costs a read, never a group.</summary>
    private async Task ClearMarkerIfNoneAsync()
    {
        if (HasGroups)
        {
            return;
        }

        try
        {
            await Marker.SetGroupsAsync(false);
        }
        catch (Exception e)
        {
            LogTellFailed(logger, UserId, "the groups marker", e);
        }
    }

    private UserGroups Snapshot() => new(
        state.State.Version,
        [.. state.State.Groups],
        state.State.ClientGroups.ToImmutableDictionary(c => c.Key, c => c.Value.ToImmutableArray(), StringComparer.Ordinal));

    [LoggerMessage(EventId = 1186, Level = LogLevel.Warning, Message = "Group {Group} could not forget client {ClientId} of user {UserId}, gone for good; it stays a member until removed")]
    private static partial void LogForgetFailed(ILogger logger, string userId, string clientId, string group, Exception exception);

    [LoggerMessage(EventId = 1185, Level = LogLevel.Warning, Message = "Could not tell {Target} that the groups of user {UserId} changed")]
    private static partial void LogTellFailed(ILogger logger, string? userId, string target, Exception exception);
}
