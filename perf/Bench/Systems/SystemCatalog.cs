namespace Orleans.Sente.Bench.Systems;

/// <summary>The systems the harness knows, in the order they run.</summary>
internal static class SystemCatalog
{
    public static IReadOnlyList<ISystemUnderTest> All { get; } =
    [
        SignalRSystem.Single,
        SignalRSystem.WithRedis,
        KestrelWsSystem.Instance,
        SenteSystem.Batched,
        SenteSystem.Flushed,
    ];

    public static IReadOnlyList<ISystemUnderTest> Select(IReadOnlyCollection<string>? names) =>
        names is null or { Count: 0 }
            ? All
            : names.Select(n => All.FirstOrDefault(s => s.Name == n)
                ?? throw new ArgumentException($"Unknown system '{n}'; known: {string.Join(", ", All.Select(s => s.Name))}.")).ToArray();
}
