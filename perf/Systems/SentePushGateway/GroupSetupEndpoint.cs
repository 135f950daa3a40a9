using System.Diagnostics;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>
/// <c>POST /bench/group/{name}?users=N</c>: makes users <c>u0</c>..<c>u(N-1)</c> members of the group
/// through <c>IGroupGrain.AddUserAsync</c>, one call per user, <see cref="Parallelism"/> at a time
/// (the group grain takes them one after another), and answers with the member count and the time
/// it took. The harness calls it before the warm-up of scenario S6.
/// </summary>
internal static class GroupSetupEndpoint
{
    public const int Parallelism = 16;

    public static IEndpointConventionBuilder MapGroupSetup(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapPost(pattern + "/{name}", async (string name, int users, IGrainFactory grains, CancellationToken ct) =>
        {
            var group = grains.GetGroupGrain(name);
            var started = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (u, _) => await group.AddUserAsync("u" + u.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            var members = await group.GetMembersAsync();
            return Results.Json(new { members = members.Count, seconds = Stopwatch.GetElapsedTime(started).TotalSeconds });
        });
}
