using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Orleans.Sente.Hosting;
using Orleans.Sente.Tests.Infrastructure;

namespace Orleans.Sente.Tests;

/// <summary>
/// What a process reports about itself: the instruments of meter <c>Orleans.Sente</c> are the ones
/// the deployment docs list, and each process names its service and role in what it exports.
/// </summary>
public sealed partial class TelemetryTests(SingleFrontEndFixture fixture) : IClassFixture<SingleFrontEndFixture>
{
    [Fact]
    public void The_metrics_table_in_the_deployment_docs_lists_every_instrument_of_the_front_end_and_the_silo_and_no_other()
    {
        // The fixture's silo and front end have made their instruments (the front end's lease is a
        // grain call, which makes the silo's); a listener started now is told of every one of them.
        var published = new ConcurrentDictionary<string, byte>();
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == SenteTelemetry.MeterName)
                {
                    published.TryAdd(PrometheusName(instrument), 0);
                }
            };
            listener.Start();
        }

        Assert.NotNull(fixture.FrontEnd);
        var documented = DocumentedInstruments();
        Assert.Equal(documented.Order(StringComparer.Ordinal), published.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_front_end_with_an_OTLP_endpoint_exports_its_spans_and_metrics_with_its_service_name_and_role()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var frontEnd = await TestFrontEnd.StartAsync([fixture.Silo], settings:
        [
            new("Sente:Telemetry:OtlpEndpoint", collector.Address),
            new("Sente:Telemetry:OtlpProtocol", "HttpProtobuf"),
            new("OTEL_BSP_SCHEDULE_DELAY", "100"),
            new("OTEL_METRIC_EXPORT_INTERVAL", "200"),
        ]);

        var clientId = Guid.NewGuid().ToString();
        var (client, _) = await TestClient.ConnectAsync(frontEnd, "otlp-user", clientId);
        await using var _c = client;

        var traces = await collector.WaitAsync("traces", body => body.Contains(clientId, StringComparison.Ordinal));
        Assert.Contains("sente.connect", traces);
        Assert.Contains(SenteTelemetryHosting.DefaultServiceName(SenteRole.FrontEnd), traces);
        Assert.Contains(SenteTelemetryHosting.RoleAttribute, traces);
        var metrics = await collector.WaitAsync("metrics", body => body.Contains("sente.connections", StringComparison.Ordinal));
        Assert.Contains(SenteTelemetryHosting.DefaultServiceName(SenteRole.FrontEnd), metrics);
    }

    /// <summary>The Prometheus name of an instrument, as the OpenTelemetry exporter writes it.</summary>
    private static string PrometheusName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        name += instrument.Unit switch
        {
            "By" => "_bytes",
            "ms" => "_milliseconds",
            "s" => "_seconds",
            _ => "",
        };
        var type = instrument.GetType().GetGenericTypeDefinition();
        return type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? name + "_total" : name;
    }

    /// <summary>The instruments in the first column of the "Operations" table of docs/deployment.md.</summary>
    private static HashSet<string> DocumentedInstruments()
    {
        var docs = File.ReadAllText(Path.Combine(BadInputTableTests.RepositoryRoot(), "docs", "deployment.md"));
        var operations = docs[docs.IndexOf("## Operations", StringComparison.Ordinal)..];
        operations = operations[..operations.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in operations.Split('\n').Where(l => l.StartsWith("| `sente_", StringComparison.Ordinal)))
        {
            foreach (Match name in InstrumentName().Matches(row.Split('|')[1]))
            {
                names.Add(name.Groups[1].Value);
            }
        }

        return names;
    }

    [GeneratedRegex("`(sente_[a-z_]+)`")]
    private static partial Regex InstrumentName();

    /// <summary>An OTLP/HTTP receiver on loopback that keeps each request body as text (protobuf strings are plain UTF-8).</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly List<(string Signal, string Body)> _received = [];
        private readonly List<(string Signal, Func<string, bool> Match, TaskCompletionSource<string> Found)> _waits = [];

        private OtlpCollector(WebApplication app) => _app = app;

        public string Address => _app.Urls.First();

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector.Received(signal, Encoding.UTF8.GetString(body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync().WaitAsync(TestTimeouts.Start);
            return collector;
        }

        /// <summary>The first body of <paramref name="signal"/> that matches, received before or after the call.</summary>
        public Task<string> WaitAsync(string signal, Func<string, bool> match)
        {
            lock (_received)
            {
                if (_received.FirstOrDefault(r => r.Signal == signal && match(r.Body)) is { Body: { } found })
                {
                    return Task.FromResult(found);
                }

                var wait = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((signal, match, wait));
                return wait.Task.WaitAsync(TestTimeouts.Start);
            }
        }

        private void Received(string signal, string body)
        {
            lock (_received)
            {
                _received.Add((signal, body));
                foreach (var (s, match, found) in _waits)
                {
                    if (s == signal && match(body))
                    {
                        found.TrySetResult(body);
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
