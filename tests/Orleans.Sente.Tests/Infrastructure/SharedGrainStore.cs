using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// Grain storage outside every silo, as Azure Storage is in a real cluster: silos that share it keep
/// their grains' state when one of them is killed. Records are held in Orleans' binary serialization
/// (a new activation never shares objects with a dead one), versions checked as every provider does.
/// It counts what it is asked: reads and written bytes, per state name.
/// </summary>
internal sealed class SharedGrainStore
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), (byte[] Bytes, long Version)> _records = new();
    private readonly ConcurrentDictionary<string, long> _reads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _writtenBytes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _writes = new(StringComparer.Ordinal);

    /// <summary>Makes this store the silo's default grain storage (after any other default).</summary>
    public void AddTo(ISiloBuilder silo) =>
        silo.Services.AddKeyedSingleton<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => new Provider(this, sp.GetRequiredService<Serializer>()));

    /// <summary>Reads of records under a state name (the stored name, e.g. <c>groups.v1</c>).</summary>
    public long Reads(string stateName) => _reads.GetValueOrDefault(stateName);

    /// <summary>Writes of records under a state name.</summary>
    public long Writes(string stateName) => _writes.GetValueOrDefault(stateName);

    /// <summary>Bytes written under a state name, all writes together.</summary>
    public long WrittenBytes(string stateName) => _writtenBytes.GetValueOrDefault(stateName);

    /// <summary>Bytes written under the state names that <paramref name="stateNames"/> selects.</summary>
    public long WrittenBytes(Func<string, bool> stateNames) => _writtenBytes.Where(w => stateNames(w.Key)).Sum(w => w.Value);

    private sealed class Provider(SharedGrainStore store, Serializer serializer) : IGrainStorage
    {
        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            store._reads.AddOrUpdate(stateName, 1, (_, n) => n + 1);
            if (store._records.TryGetValue((stateName, grainId), out var record))
            {
                grainState.State = serializer.Deserialize<T>(record.Bytes);
                grainState.ETag = record.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
                grainState.RecordExists = true;
            }
            else
            {
                grainState.ETag = null;
                grainState.RecordExists = false;
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var bytes = serializer.SerializeToArray(grainState.State);
            var key = (stateName, grainId);
            var version = 1L;
            store._records.AddOrUpdate(
                key,
                _ => Check(null, grainState.ETag, bytes, out version),
                (_, current) => Check(current, grainState.ETag, bytes, out version));
            store._writes.AddOrUpdate(stateName, 1, (_, n) => n + 1);
            store._writtenBytes.AddOrUpdate(stateName, bytes.Length, (_, n) => n + bytes.Length);
            grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            store._records.TryRemove((stateName, grainId), out _);
            grainState.ETag = null;
            grainState.RecordExists = false;
            return Task.CompletedTask;
        }

        private static (byte[], long) Check((byte[] Bytes, long Version)? current, string? etag, byte[] bytes, out long version)
        {
            var stored = current?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!string.Equals(stored, etag, StringComparison.Ordinal))
            {
                throw new InconsistentStateException($"Version {etag ?? "none"} written over version {stored ?? "none"}", stored, etag);
            }

            version = (current?.Version ?? 0) + 1;
            return (bytes, version);
        }
    }
}
