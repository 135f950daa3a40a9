using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Sums one counter of one front end (by the meter factory that made it, since every front end
/// of the test process has a meter named <c>Orleans.Sente</c>), per value of the <c>reason</c> tag.
/// </summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _byReason = new(StringComparer.Ordinal);

    public MetricRecorder(TestFrontEnd frontEnd, string instrument)
        : this(frontEnd.App.Services.GetRequiredService<IMeterFactory>(), instrument)
    {
    }

    /// <summary>Records the counter of the meters made by <paramref name="scope"/>.</summary>
    public MetricRecorder(IMeterFactory scope, string instrument)
    {
        _listener.InstrumentPublished = (i, l) =>
        {
            if (i.Name == instrument && ReferenceEquals(i.Meter.Scope, scope))
            {
                l.EnableMeasurementEvents(i);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = tag.Value as string ?? "";
                }
            }

            _byReason.AddOrUpdate(reason, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    /// <summary>The sum recorded with this reason since the recorder started.</summary>
    public long this[string reason] => _byReason.GetValueOrDefault(reason);

    public void Dispose() => _listener.Dispose();
}
