using System.Diagnostics;
using System.Globalization;

namespace Orleans.Sente.Bench.Systems.Sente;

/// <summary>
/// <c>POST /bench/group/{name}?users=N</c>: makes users <c>u0</c>..<c>u(N-1)</c> members of the group
/// through <c>IGroupGrain.AddUserAsync</c>, one call per user, and answers with the member count, the
/// time it took and how many calls were tried again. The group grain takes the calls one after
/// another, so only <see cref="Parallelism"/> are out at once (more would only queue there, and a call
/// queued too long on a busy machine times out); a failed call is tried again (adding a member
/// again does nothing), at most <see cref="Attempts"/> times. The harness calls it before the warm-up
/// of scenario S6.
/// </summary>
internal static class GroupSetupEndpoint
{
    public const int Parallelism = 2;
    public const int Attempts = 3;

    public static IEndpointConventionBuilder MapGroupSetup(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapPost(pattern + "/{name}", async (string name, int users, IGrainFactory grains, CancellationToken ct) =>
        {
            var group = grains.GetGroupGrain(name);
            var started = Stopwatch.GetTimestamp();
            var retries = 0;
            await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
                async (u, _) =>
                {
                    for (var attempt = 1; ; attempt++)
                    {
                        try
                        {
                            await group.AddUserAsync("u" + u.ToString(CultureInfo.InvariantCulture));
                            return;
                        }
                        catch (Exception) when (attempt < Attempts)
                        {
                            Interlocked.Increment(ref retries);
                        }
                    }
                });
            var members = await group.GetMembersAsync();
            return Results.Json(new { members = members.Count, seconds = Stopwatch.GetElapsedTime(started).TotalSeconds, retries });
        });
}
