using System.Diagnostics;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// An in-process trace exporter: records every span that stops on the chosen sources (a name ending
/// in <c>*</c> is a prefix), and lets a test await the first span that matches, stopped before or
/// after it asks. Spans of tests running meanwhile are recorded too: tests match on their own trace
/// or client.
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Found)> _waits = [];

    public SpanRecorder(params string[] sources)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => sources.Any(name => s.Name == name || (name.EndsWith('*') && s.Name.StartsWith(name[..^1], StringComparison.Ordinal))),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Spans stopped so far in one trace.</summary>
    public IReadOnlyList<Activity> InTrace(ActivityTraceId trace)
    {
        lock (_stopped)
        {
            return [.. _stopped.Where(a => a.TraceId == trace)];
        }
    }

    /// <summary>The first span named <paramref name="name"/> to stop in <paramref name="trace"/>.</summary>
    public Task<Activity> WaitAsync(ActivityTraceId trace, string name) =>
        WaitAsync(a => a.TraceId == trace && a.OperationName == name);

    /// <summary>The first span named <paramref name="name"/> with tag <paramref name="tag"/> equal to <paramref name="value"/>.</summary>
    public Task<Activity> WaitAsync(string name, string tag, object value) =>
        WaitAsync(a => a.OperationName == name && Equals(a.GetTagItem(tag), value));

    private Task<Activity> WaitAsync(Func<Activity, bool> match)
    {
        lock (_stopped)
        {
            if (_stopped.FirstOrDefault(match) is { } found)
            {
                return Task.FromResult(found);
            }

            var wait = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((match, wait));
            return wait.Task.WaitAsync(TestTimeouts.Frame);
        }
    }

    private void Stopped(Activity activity)
    {
        lock (_stopped)
        {
            _stopped.Add(activity);
            foreach (var (match, found) in _waits)
            {
                if (match(activity))
                {
                    found.TrySetResult(activity);
                }
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
