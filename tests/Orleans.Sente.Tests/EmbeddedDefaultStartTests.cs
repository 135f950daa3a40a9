namespace Orleans.Sente.Tests;

/// <summary>
/// The embedded default as a person starts it (<c>dotnet run --project src/WebFrontend</c>): the
/// built front end in its own process, with its launch profile's environment, on free ports.
/// </summary>
public sealed class EmbeddedDefaultStartTests
{
    /// <summary>
    /// Warnings a clean start may print because the user can act on them. None today: every warning
    /// of a clean start is either fixed or, where the user could do nothing about it, left out by
    /// the embedded default's log levels (<c>SenteLoggingDefaults</c>).
    /// </summary>
    private static readonly string[] ActionableWarnings = [];

    [Fact]
    public async Task A_clean_start_of_the_embedded_default_runs_as_Development_prints_no_warning_up_to_ready_and_a_stop_exits_0()
    {
        var data = Directory.CreateTempSubdirectory("sente-embedded-");
        try
        {
            var settings = EmbeddedDefaultProcess.Settings.Fresh(data.FullName);
            await using var process = await EmbeddedDefaultProcess.StartAsync(settings);
            using (var http = new HttpClient { BaseAddress = settings.BaseUri })
            {
                Assert.True((await http.GetAsync("/")).IsSuccessStatusCode);
            }

            var upToReady = process.Output;
            Assert.Contains(upToReady, l => l.Contains("Hosting environment: Development", StringComparison.Ordinal));
            var warnings = EmbeddedDefaultProcess.Warnings(upToReady)
                .Where(w => !ActionableWarnings.Any(a => w.Contains(a, StringComparison.Ordinal)))
                .ToList();
            Assert.True(warnings.Count == 0, "Warnings on a clean start:\n" + string.Join("\n", warnings));

            // A stop asked for (SIGTERM, as an orchestrator or Ctrl-C sends) is not a failure.
            await process.StopAsync();
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
