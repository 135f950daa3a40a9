using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Sente.Grains;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Sente.Tests;

/// <summary>
/// <see cref="SenteGrainStorage"/> over a store that folds keys as Azure Table does
/// (<c>/ \ # ?</c> become <c>_</c>): grains whose keys differ only there keep apart, and a record
/// that belongs to another grain is never handed out.
/// </summary>
public sealed class SenteGrainStorageTests
{
    private static readonly GrainType Inbox = GrainType.Create("userinbox");

    [Fact]
    public async Task Grains_whose_keys_a_store_folds_together_keep_their_own_state()
    {
        var store = new FoldingStore(k => k.Replace('/', '_').Replace('\\', '_').Replace('#', '_').Replace('?', '_'));
        var storage = NewStorage(store);
        var keys = new[] { "u:col/R", @"u:col\R", "u:col#R", "u:col?R", "u:col_R", "u:col~2FR" };
        foreach (var key in keys)
        {
            await storage.WriteStateAsync("inbox", GrainId.Create(Inbox, key), new GrainState<List<string>>([key]));
        }

        Assert.Equal(keys.Length, store.Records.Count);
        foreach (var key in keys)
        {
            var read = new GrainState<List<string>>();
            await storage.ReadStateAsync("inbox", GrainId.Create(Inbox, key), read);
            Assert.True(read.RecordExists);
            Assert.Equal([key], read.State);
        }
    }

    [Fact]
    public async Task A_record_of_another_grain_under_the_same_stored_key_is_refused_not_handed_out()
    {
        // A store that puts everything in one record stands for any collision, a hash's included.
        var storage = NewStorage(new FoldingStore(_ => "one"));
        await storage.WriteStateAsync("session", GrainId.Create(Inbox, "abc_def"), new GrainState<List<string>>(["secret"]));

        var forged = new GrainState<List<string>>();
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => storage.ReadStateAsync("session", GrainId.Create(Inbox, "abc/def"), forged));
        Assert.Contains("abc_def", refused.Message, StringComparison.Ordinal);
        Assert.Null(forged.State);
    }

    [Fact]
    public async Task Write_read_and_clear_keep_the_etag_and_whether_the_record_exists()
    {
        var storage = NewStorage(new FoldingStore(k => k));
        var id = GrainId.Create(Inbox, "u:alice");
        var empty = new GrainState<List<string>>();
        await storage.ReadStateAsync("inbox", id, empty);
        Assert.False(empty.RecordExists);
        Assert.NotNull(empty.State);

        var written = new GrainState<List<string>>(["a"]);
        await storage.WriteStateAsync("inbox", id, written);
        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);

        var read = new GrainState<List<string>>();
        await storage.ReadStateAsync("inbox", id, read);
        Assert.Equal(written.ETag, read.ETag);

        await storage.ClearStateAsync("inbox", id, read);
        Assert.False(read.RecordExists);
        Assert.Equal([], read.State);
        var again = new GrainState<List<string>>();
        await storage.ReadStateAsync("inbox", id, again);
        Assert.False(again.RecordExists);
    }

    private static SenteGrainStorage NewStorage(IGrainStorage inner)
    {
        var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        return new SenteGrainStorage(inner, services.GetRequiredService<IActivatorProvider>());
    }

    /// <summary>An in-memory store that files each record under <c>fold(state name + grain id)</c>.</summary>
    private sealed class FoldingStore(Func<string, string> fold) : IGrainStorage
    {
        private int _etag;

        public Dictionary<string, (object? State, string ETag)> Records { get; } = [];

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            if (Records.TryGetValue(Key(stateName, grainId), out var record))
            {
                (grainState.State, grainState.ETag, grainState.RecordExists) = ((T)record.State!, record.ETag, true);
            }
            else
            {
                (grainState.State, grainState.ETag, grainState.RecordExists) = (default!, null, false);
            }

            return Task.CompletedTask;
        }

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            var etag = (++_etag).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Records[Key(stateName, grainId)] = (grainState.State, etag);
            (grainState.ETag, grainState.RecordExists) = (etag, true);
            return Task.CompletedTask;
        }

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        {
            Records.Remove(Key(stateName, grainId));
            (grainState.ETag, grainState.RecordExists) = (null, false);
            return Task.CompletedTask;
        }

        private string Key(string stateName, GrainId grainId) => fold($"{stateName}/{grainId}");
    }
}
