using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;

namespace Sente.Grains;

/// <summary>
/// One group. Its members are stored; the front ends that hold members' connections are soft state:
/// each front end subscribes when its first connection of a member opens (or becomes a member), and
/// an activation that starts with members asks the live front ends whether they hold any. A push is
/// one one-way message per subscribed front end, numbered per front end, whatever the member count:
/// the front end knows which of its connections belong to the group (docs/groups.md). Each push also
/// gets a number in the group's own order and stays in a bounded replay window, from which a member
/// client that reconnects gets what it missed while it was away.
/// </summary>
internal sealed partial class GroupGrain(
    [PersistentState("group", SenteGrainStorage.ProviderName)] IPersistentState<GroupState> state,
    FrontEndDirectory directory,
    IOptions<SenteGrainOptions> options,
    SenteGrainMetrics metrics,
    TimeProvider clock,
    ILogger<GroupGrain> logger) : Grain, IGroupGrain, IGroupFanOutGrain
{
    private readonly SenteGrainOptions _options = options.Value;
    private readonly Dictionary<string, Target> _targets = new(StringComparer.Ordinal);
    private readonly GroupReplayWindow _window = new();
    private readonly RecentJoins _joins = new();

    // The group's own order within this activation: the number of its last push.
    private long _sequence;

    // Grows with each activation, as a user grain's does: a front end tells the pushes of a new
    // activation (which count from 1 again) from late ones of a replaced activation.
    private readonly long _epoch = (clock.GetUtcNow().ToUnixTimeMilliseconds() << 20) + Random.Shared.Next(1 << 20);
    private Task _rebuild = Task.CompletedTask;

    private string Name => SenteKeys.GroupNameOf(this.GetPrimaryKeyString());

    private GroupMembership _members = null!;

    private int MemberCount => _members.Count;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _members = new GroupMembership(state, ServiceProvider.GetRequiredKeyedService<IGrainStorage>(SenteGrainStorage.ProviderName), this.GetGrainId());
        await _members.LoadAsync();
        if (MemberCount > 0)
        {
            _rebuild = RebuildAsync();
        }
    }

    public async Task AddUserAsync(string userId)
    {
        CheckUserId(userId);
        if (_members.Users.Contains(userId))
        {
            return;
        }

        CheckRoom();

        // The user's record first: it checks the user's own limit, and its front ends index the new
        // membership before this call completes, so pushes accepted after it reach the user's clients.
        await GrainFactory.GetGrain<IUserGroupsGrain>(SenteKeys.UserKey(userId)).AddAsync(this.GetPrimaryKeyString(), null);
        await _members.AddAsync(userId, null);
        _joins.Joined(userId, null, _sequence, clock.GetUtcNow(), _options.ReplayWindowMaxAge);
    }

    public async Task RemoveUserAsync(string userId)
    {
        CheckUserId(userId);
        await GrainFactory.GetGrain<IUserGroupsGrain>(SenteKeys.UserKey(userId)).RemoveAsync(this.GetPrimaryKeyString(), null);
        _joins.Left(userId, null);
        await _members.RemoveAsync(userId, null);
    }

    public async Task AddClientAsync(string userId, string clientId)
    {
        CheckUserId(userId);
        CheckClientId(clientId);
        if (_members.Clients.Contains(new GroupClient(userId, clientId)))
        {
            return;
        }

        CheckRoom();
        await GrainFactory.GetGrain<IUserGroupsGrain>(SenteKeys.UserKey(userId)).AddAsync(this.GetPrimaryKeyString(), clientId);
        await _members.AddAsync(userId, clientId);
        _joins.Joined(userId, clientId, _sequence, clock.GetUtcNow(), _options.ReplayWindowMaxAge);
    }

    public async Task RemoveClientAsync(string userId, string clientId)
    {
        CheckUserId(userId);
        CheckClientId(clientId);
        await GrainFactory.GetGrain<IUserGroupsGrain>(SenteKeys.UserKey(userId)).RemoveAsync(this.GetPrimaryKeyString(), clientId);
        _joins.Left(userId, clientId);
        await _members.RemoveAsync(userId, clientId);
    }

    public async Task ForgetClientAsync(string userId, string clientId)
    {
        _joins.Left(userId, clientId);
        await _members.RemoveAsync(userId, clientId);
    }

    public async Task<GroupPushResult> PushAsync(SenteEvent @event, PushOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var members = MemberCount;
        if (members == 0)
        {
            LogNoMembers(logger, Name);
            if (!state.RecordExists)
            {
                // A push to a group that never had members: nothing worth keeping in memory.
                DeactivateOnIdle();
            }

            return new GroupPushResult(0, 0);
        }

        await _rebuild;
        var flush = options?.Flush ?? false;
        var sequence = ++_sequence;
        _window.Add(sequence, @event, flush, clock.GetUtcNow(), _options);
        var sent = 0;
        foreach (var (frontEndId, target) in _targets)
        {
            // A front end counted as gone is skipped without using a number, so that one whose lease
            // only lapsed goes on without a gap when it renews.
            if (!target.Active || directory.IsGone(frontEndId))
            {
                continue;
            }

            // One-way: a dead front end never holds the group up; the sequence puts messages that
            // overtook each other back in order at the front end. A message that could not be sent
            // at all is logged.
            Unawaited.Observe(
                target.FrontEnd.DeliverGroupAsync(new GroupDelivery(this.GetPrimaryKeyString(), @event, flush, _epoch, target.NextSequence++, sequence)),
                (logger, Name, frontEndId),
                static (s, e) => LogDeliverFailed(s.logger, s.Name, s.frontEndId, e));
            sent++;
        }

        return new GroupPushResult(members, sent);
    }

    public Task<GroupMembers> GetMembersAsync() =>
        Task.FromResult(new GroupMembers(
            [.. _members.Users.Order(StringComparer.Ordinal)],
            [.. _members.Clients.OrderBy(c => c.UserId, StringComparer.Ordinal).ThenBy(c => c.ClientId, StringComparer.Ordinal)]));

    public async Task<GroupPosition> SubscribeAsync(string frontEndId, IFrontEndObserver frontEnd, long generation)
    {
        await _rebuild;

        // A target keeps its count for the life of this activation, left out or not: the front
        // end's gate goes on from where it is.
        if (!_targets.TryGetValue(frontEndId, out var target))
        {
            target = new Target(frontEnd);
            _targets[frontEndId] = target;
        }

        target.FrontEnd = frontEnd;
        target.Active = true;
        target.Generation = Math.Max(target.Generation, generation);
        return new GroupPosition(_epoch, _sequence);
    }

    public async Task<GroupCatchUp> CatchUpAsync(string userId, string clientId, GroupPosition? from)
    {
        await _rebuild;
        var now = clock.GetUtcNow();
        var asUser = _members.Users.Contains(userId);
        var asClient = _members.Clients.Contains(new GroupClient(userId, clientId));
        if (!asUser && !asClient)
        {
            // Not a member (any more): owed nothing; live pushes after this answer are not its either.
            return new GroupCatchUp(_epoch, _sequence, [], _sequence, 0);
        }

        // Never a push from before the membership began; from the client's position when it is
        // known and of this activation (one of an earlier activation saw nothing of this one).
        var age = _options.ReplayWindowMaxAge;
        var start = Math.Min(
            asUser ? _joins.StartOf(userId, null, now, age) : long.MaxValue,
            asClient ? _joins.StartOf(userId, clientId, now, age) : long.MaxValue);
        if (from is { } position && position.Epoch == _epoch)
        {
            start = Math.Max(start, position.Sequence);
        }

        start = Math.Min(start, _sequence);
        var (pushes, lost) = _window.After(start, _sequence, now, _options);
        if (lost > 0)
        {
            metrics.Dropped("group-window-passed", lost);
            LogWindowPassed(logger, Name, clientId, userId, lost);
        }

        return new GroupCatchUp(_epoch, _sequence, pushes, start, lost);
    }

    public Task UnsubscribeAsync(string frontEndId, long generation)
    {
        if (_targets.TryGetValue(frontEndId, out var target) && generation >= target.Generation)
        {
            target.Active = false;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A new activation of a group with members: the front ends holding their connections are
    /// asked, since a front end subscribes only when its first connection of the group opens.
    /// A front end answering yes counts as subscribed with generation 0: any request of its to be
    /// left out is newer.
    /// Pushes and subscriptions wait for it.
    /// </summary>
    private async Task RebuildAsync()
    {
        ImmutableArray<FrontEndLease> live;
        try
        {
            live = await directory.GetLiveAsync(_options.LeasePeriod).WaitAsync(_options.LeasePeriod + _options.RebuildTimeout);
        }
        catch (Exception e)
        {
            LogRebuildFailed(logger, Name, "registry", e);
            return;
        }

        var key = this.GetPrimaryKeyString();
        var answers = await Task.WhenAll(live.Select(async lease =>
        {
            try
            {
                return (lease, has: await lease.Observer.HasGroupMembersAsync(key).WaitAsync(_options.RebuildTimeout));
            }
            catch (Exception e)
            {
                LogRebuildFailed(logger, Name, lease.FrontEndId, e);
                return (lease, has: false);
            }
        }));

        foreach (var (lease, has) in answers)
        {
            if (has)
            {
                _targets.TryAdd(lease.FrontEndId, new Target(lease.Observer));
            }
        }
    }

    private void CheckRoom()
    {
        if (MemberCount >= _options.MaxMembersPerGroup)
        {
            throw new SenteGroupLimitException(
                $"Group '{Name}' has {MemberCount} members, the most allowed (MaxMembersPerGroup = {_options.MaxMembersPerGroup}).");
        }
    }

    private static void CheckUserId(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        if (!SenteKeys.IsValidUserId(userId, out var problem))
        {
            throw new ArgumentException(problem, nameof(userId));
        }
    }

    private static void CheckClientId(string clientId)
    {
        if (!SenteKeys.IsValidClientId(clientId, out var problem))
        {
            throw new ArgumentException(problem, nameof(clientId));
        }
    }

    private sealed class Target(IFrontEndObserver frontEnd)
    {
        public IFrontEndObserver FrontEnd { get; set; } = frontEnd;

        public long NextSequence { get; set; } = 1;

        /// <summary>False once the front end asked to be left out (it held no member connection).</summary>
        public bool Active { get; set; } = true;

        /// <summary>The front end's latest subscription seen; an older request to be left out is ignored.</summary>
        public long Generation { get; set; }
    }

    [LoggerMessage(EventId = 1183, Level = LogLevel.Warning, Message = "Group {Group} could not send a push to front end {FrontEndId}")]
    private static partial void LogDeliverFailed(ILogger logger, string group, string frontEndId, Exception exception);

    [LoggerMessage(EventId = 1180, Level = LogLevel.Debug, Message = "Push to group {Group}, which has no members: nothing sent")]
    private static partial void LogNoMembers(ILogger logger, string group);

    [LoggerMessage(EventId = 1181, Level = LogLevel.Warning, Message = "Group {Group} could not ask {Source} whether it holds members")]
    private static partial void LogRebuildFailed(ILogger logger, string group, string source, Exception exception);

    [LoggerMessage(EventId = 1182, Level = LogLevel.Warning, Message = "Client {ClientId} of user {UserId} reconnected having missed {Count} pushes of group {Group} that had left its replay window")]
    private static partial void LogWindowPassed(ILogger logger, string group, string clientId, string userId, long count);
}
