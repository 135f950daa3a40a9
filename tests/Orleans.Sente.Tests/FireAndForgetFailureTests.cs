using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// Calls a grain makes without waiting for them (a client gone for good, told to its user's groups
/// and by them to its groups; a group push to a front end) never fail silently: the failure is
/// logged with an event id of its own. The failures are made by real Orleans call filters on the
/// test silo.
/// </summary>
public sealed class FireAndForgetFailureTests : IAsyncLifetime
{
    private readonly CapturedLogs _logs = new();
    private readonly FailingCalls _filter = new();
    private TestSilo _silo = null!;
    private TestFrontEnd _frontEnd = null!;

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync(
            null,
            o => o.WsCloseGrace = TimeSpan.FromMilliseconds(300),
            silo => silo
                .AddIncomingGrainCallFilter(_filter)
                .AddOutgoingGrainCallFilter(_filter)
                .Services.AddSingleton<ILoggerProvider>(_logs));
        _frontEnd = await TestFrontEnd.StartAsync([_silo]);
    }

    public async Task DisposeAsync()
    {
        await _frontEnd.DisposeAsync();
        await _silo.DisposeAsync();
        _logs.Dispose();
    }

    [Fact]
    public async Task A_client_gone_for_good_that_its_user_groups_could_not_take_is_logged()
    {
        var uid = "gone-" + Guid.NewGuid().ToString("N")[..8];
        _filter.Fail(nameof(IUserGroupsGrain.ClientGoneAsync));
        var (client, _) = await TestClient.ConnectAsync(_frontEnd, uid);
        await client.DisposeAsync();

        // The grace passes; the user grain tells the user's groups, and the call fails there.
        await _filter.Failed.Task.WaitAsync(TestTimeouts.Frame);
        var logged = await _logs.NextAsync(1130, e => e.Message.Contains(uid, StringComparison.Ordinal), TestTimeouts.Frame);
        Assert.Equal("Sente.Grains.UserGrain", logged.Category);
        Assert.Equal(FailingCalls.Reason, logged.Exception?.Message);
    }

    [Fact]
    public async Task A_client_gone_for_good_that_a_group_could_not_forget_is_logged()
    {
        var uid = "forget-" + Guid.NewGuid().ToString("N")[..8];
        var group = "room-" + Guid.NewGuid().ToString("N")[..8];
        _filter.Fail(nameof(IGroupFanOutGrain.ForgetClientAsync));
        var (client, _) = await TestClient.ConnectAsync(_frontEnd, uid);
        await _silo.Grains.GetGroupGrain(group).AddClientAsync(uid, client.ClientId);
        await client.DisposeAsync();

        var logged = await _logs.NextAsync(1186, e => e.Message.Contains(group, StringComparison.Ordinal), TestTimeouts.Frame);
        Assert.Equal("Sente.Grains.UserGroupsGrain", logged.Category);
        Assert.Contains(client.ClientId, logged.Message, StringComparison.Ordinal);
        Assert.Equal(FailingCalls.Reason, logged.Exception?.Message);
    }

    [Fact]
    public async Task A_group_push_that_could_not_be_sent_to_a_front_end_is_logged()
    {
        var uid = "grp-" + Guid.NewGuid().ToString("N")[..8];
        var group = "news-" + Guid.NewGuid().ToString("N")[..8];
        var (client, _) = await TestClient.ConnectAsync(_frontEnd, uid);
        await using var _client = client;
        await _silo.Grains.GetGroupGrain(group).AddUserAsync(uid);
        _filter.Fail(nameof(IFrontEndObserver.DeliverGroupAsync));
        await _silo.Grains.GetGroupGrain(group).PushAsync(SenteEvent.Create("test/lost", 1));

        var logged = await _logs.NextAsync(1183, e => e.Message.Contains(group, StringComparison.Ordinal), TestTimeouts.Frame);
        Assert.Equal("Sente.Grains.GroupGrain", logged.Category);
        Assert.Equal(FailingCalls.Reason, logged.Exception?.Message);
    }

    /// <summary>Fails every call of one method: on its way in to a grain, or on its way out to an observer.</summary>
    private sealed class FailingCalls : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
    {
        public const string Reason = "The call failed on purpose.";
        private volatile string? _method;

        /// <summary>Set once a call was failed.</summary>
        public TaskCompletionSource Failed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(string method) => _method = method;

        public Task Invoke(IIncomingGrainCallContext context) =>
            context.InterfaceMethod?.Name == _method ? Throw() : context.Invoke();

        public Task Invoke(IOutgoingGrainCallContext context) =>
            context.InterfaceMethod?.Name == _method && context.InterfaceMethod?.DeclaringType == typeof(IFrontEndObserver)
                ? Throw()
                : context.Invoke();

        private Task Throw()
        {
            Failed.TrySetResult();
            throw new InvalidOperationException(Reason);
        }
    }
}
