namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Waits, within a bound, for state that one-way messages bring (such as the presence index,
/// updated at the same moment as the events a test awaits): asks again until it agrees.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> HoldsAsync<T>(Func<Task<T>> ask, Func<T, bool> holds, string what)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Frame;
        while (true)
        {
            var value = await ask();
            if (holds(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"within {TestTimeouts.Frame.TotalSeconds} s: {what}");
            await Task.Delay(Interval);
        }
    }
}
