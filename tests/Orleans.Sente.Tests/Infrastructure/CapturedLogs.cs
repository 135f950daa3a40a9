using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>A logger provider that keeps what is logged, so a test can await one event by its id.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private readonly SemaphoreSlim _logged = new(0);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The first event with <paramref name="eventId"/> that <paramref name="matches"/>, waiting for it up to <paramref name="timeout"/>.</summary>
    public async Task<Entry> NextAsync(int eventId, Func<Entry, bool> matches, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_entries.FirstOrDefault(e => e.EventId == eventId && matches(e)) is { } found)
            {
                return found;
            }

            try
            {
                await _logged.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                var logged = string.Join("; ", _entries.Select(e => $"{e.EventId} {e.Message}"));
                throw new TimeoutException($"No event {eventId} matching was logged within {timeout}; logged: {logged}");
            }
        }
    }

    public void Dispose() => _logged.Dispose();

    public sealed record Entry(string Category, int EventId, LogLevel Level, string Message, Exception? Exception);

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            logs._entries.Enqueue(new Entry(category, eventId.Id, logLevel, formatter(state, exception), exception));
            logs._logged.Release();
        }
    }
}
