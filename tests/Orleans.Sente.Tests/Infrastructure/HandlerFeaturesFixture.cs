using Orleans.Sente.AspNetCore;
using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// One silo and one front end with an authentication scheme (<see cref="TestBearerHandler"/>), the
/// name-identifier user-id recipe, typed handlers and a scoped service whose instances the tests watch.
/// </summary>
public sealed class HandlerFeaturesFixture : IAsyncLifetime
{
    internal TestSilo Silo { get; private set; } = null!;

    internal TestFrontEnd FrontEnd { get; private set; } = null!;

    internal ScopeProbes Probes { get; } = new();

    public async Task InitializeAsync()
    {
        Silo = await TestSilo.StartAsync(null);
        FrontEnd = await TestFrontEnd.StartAsync(
            [Silo],
            configure: o => o.UserIdFn = SenteUserIds.NameIdentifier,
            configureBuilder: b =>
            {
                b.Services.AddAuthentication(TestBearerHandler.SchemeName)
                    .AddScheme<AuthenticationSchemeOptions, TestBearerHandler>(TestBearerHandler.SchemeName, null);
                b.Services.AddSingleton(Probes);
                b.Services.AddScoped<ScopeProbe>();
            },
            map: app =>
            {
                app.UseAuthentication();
                Map(app.MapSente());
            });
    }

    public async Task DisposeAsync()
    {
        await FrontEnd.DisposeAsync();
        await Silo.DisposeAsync();
    }

    private static void Map(SenteRouteBuilder sente) => sente
        .On("test/echo", context =>
        {
            context.Reply(context.Data);
            return Task.CompletedTask;
        })
        .On("test/whoami", context =>
        {
            context.Reply(EdnMap.Of(
                ("user-id", context.UserId),
                ("name-id", context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value),
                ("authenticated", context.User.Identity?.IsAuthenticated ?? false)));
            return Task.CompletedTask;
        })
        .On("test/scope", async context =>
        {
            var probe = context.Services.GetRequiredService<ScopeProbe>();
            var again = context.Services.GetRequiredService<ScopeProbe>();

            // Off the caller's turn, so that a scope disposed too early would show.
            await Task.Yield();
            probe.HandlerDone = !probe.Disposed && ReferenceEquals(probe, again);
            context.Reply(probe.Id.ToString());
        })
        .On<SumRequest, SumReply>("test/sum", (request, context) =>
            Task.FromResult(new SumReply(request.Numbers.Sum(), request.Label, request.Numbers.Count, context.UserId)))
        .On<GreetRequest>("test/greet", (request, context) =>
            context.Grains.GetUsersGrain(context.UserId).PushToClientAsync(
                context.ClientId, SenteEvent.Create("test/greeted", EdnConvert.FromObject(request)), PushOptions.Flushed))
        .On<SumRequest, SumReply>("test/strict", (request, _) =>
            request.Numbers.Count > 3
                ? throw new SenteBadRequestException("At most 3 numbers.")
                : Task.FromResult(new SumReply(request.Numbers.Sum(), request.Label, request.Numbers.Count, null)));
}

public sealed record SumRequest(IReadOnlyList<long> Numbers, string Label);

public sealed record SumReply(long Total, string Label, int Count, string? UserId);

public enum Mood
{
    Calm,
    VeryHappy,
}

public sealed record GreetRequest(string FirstName, Mood Mood, int Times = 1);

/// <summary>A scoped service: one instance per handler invocation, disposed after it.</summary>
internal sealed class ScopeProbe(ScopeProbes probes) : IDisposable, IAsyncDisposable
{
    public Guid Id { get; } = probes.Created();

    public bool HandlerDone { get; set; }

    public bool Disposed { get; private set; }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        probes.Disposed(Id, new ScopeProbes.Disposal(Async: true, AfterHandler: HandlerDone));
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        Disposed = true;
        probes.Disposed(Id, new ScopeProbes.Disposal(Async: false, AfterHandler: HandlerDone));
    }
}

/// <summary>What became of each <see cref="ScopeProbe"/>, awaitable by id.</summary>
internal sealed class ScopeProbes
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<Disposal>> _disposals = new();

    public Guid Created()
    {
        var id = Guid.NewGuid();
        _disposals[id] = new TaskCompletionSource<Disposal>(TaskCreationOptions.RunContinuationsAsynchronously);
        return id;
    }

    public void Disposed(Guid id, Disposal disposal) => _disposals[id].TrySetResult(disposal);

    public Task<Disposal> DisposalOf(Guid id) => _disposals[id].Task.WaitAsync(TestTimeouts.Frame);

    public sealed record Disposal(bool Async, bool AfterHandler);
}
