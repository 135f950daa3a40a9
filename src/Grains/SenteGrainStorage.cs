using Orleans.Runtime;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Sente.Grains;

/// <summary>
/// The grain storage of every Orleans.Sente grain with state (<c>[PersistentState(name,
/// SenteGrainStorage.ProviderName)]</c>): the silo's default grain storage, reached under keys no
/// provider rewrites. Each grain's key is stored as <see cref="SenteKeys.StorageKey"/>, and each
/// record holds its full grain id beside the state, checked on every read.
/// <para>
/// Why here and not in the grain keys: the grain keys stay what they are (a user grain and its
/// inbox share <c>u:{user-id}</c>, a session grain is keyed by the session key as ASP.NET Core
/// gives it), so logs, presence shards and the client-key format are untouched, and no grain
/// decodes anything. The one decision sits between every grain and every provider (Azure Table,
/// Blob, memory): a grain that names this provider cannot store under a rewritten key, and a test
/// fails any grain with state that does not name it.
/// </para>
/// </summary>
internal sealed class SenteGrainStorage(IGrainStorage inner, IActivatorProvider activators) : IGrainStorage
{
    /// <summary>The provider name Orleans.Sente's grains give their persistent state.</summary>
    public const string ProviderName = "Sente";

    // The stored form is the envelope below. Records of the form before it (the bare state, under a
    // provider-sanitized key, possibly shared by several grains) are under the bare state name and
    // are never read: a record that may hold another grain's state is not migrated.
    private const string StoredFormat = ".v1";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var stored = new GrainState<StoredGrainState<T>>();
        await inner.ReadStateAsync(stateName + StoredFormat, StoredId(grainId), stored, cancellationToken);
        var record = stored.RecordExists ? stored.State : null;
        if (record is not null && record.GrainId != grainId.ToString())
        {
            throw new InvalidOperationException(
                $"The {stateName} record stored for grain {grainId} belongs to grain {record.GrainId}; it is not handed out.");
        }

        grainState.State = record is { State: { } state } ? state : activators.GetActivator<T>().Create();
        grainState.ETag = stored.ETag;
        grainState.RecordExists = record is not null;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var stored = new GrainState<StoredGrainState<T>>(
            new StoredGrainState<T> { GrainId = grainId.ToString(), State = grainState.State },
            grainState.ETag)
        {
            RecordExists = grainState.RecordExists,
        };
        await inner.WriteStateAsync(stateName + StoredFormat, StoredId(grainId), stored, cancellationToken);
        grainState.ETag = stored.ETag;
        grainState.RecordExists = stored.RecordExists;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        var stored = new GrainState<StoredGrainState<T>>(new StoredGrainState<T> { GrainId = grainId.ToString() }, grainState.ETag)
        {
            RecordExists = grainState.RecordExists,
        };
        await inner.ClearStateAsync(stateName + StoredFormat, StoredId(grainId), stored, cancellationToken);
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = stored.ETag;
        grainState.RecordExists = stored.RecordExists;
    }

    /// <summary>The id the provider sees: the grain's type, and its key as <see cref="SenteKeys.StorageKey"/>.</summary>
    internal static GrainId StoredId(GrainId grainId) =>
        GrainId.Create(grainId.Type, IdSpan.Create(SenteKeys.StorageKey(grainId.Key.AsSpan())));
}

/// <summary>A stored record: the state, and the full id of the grain it belongs to.</summary>
[GenerateSerializer, Alias("sente.StoredGrainState`1")]
internal sealed class StoredGrainState<T>
{
    [Id(0)]
    public string GrainId { get; set; } = "";

    [Id(1)]
    public T? State { get; set; }
}
