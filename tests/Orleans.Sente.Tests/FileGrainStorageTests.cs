using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Sente.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Sente.Tests;

/// <summary>The embedded default's grain storage: one file per state, versioned, written whole or not at all.</summary>
public sealed class FileGrainStorageTests : IDisposable
{
    private static readonly GrainId Grain = GrainId.Create("test", "u:some/user\0with:any key");
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("sente-files-");
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        _data.Delete(recursive: true);
    }

    [Fact]
    public async Task A_state_written_is_read_back_by_a_new_storage_on_the_same_folder()
    {
        using (var storage = await OpenAsync())
        {
            var state = new GrainState<Dictionary<string, string>>(new() { ["k"] = "v" });
            await storage.WriteStateAsync("s", Grain, state);
            Assert.Equal("1", state.ETag);
        }

        using var reopened = await OpenAsync();
        var read = new GrainState<Dictionary<string, string>>();
        await reopened.ReadStateAsync("s", Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal("1", read.ETag);
        Assert.Equal("v", read.State!["k"]);
    }

    [Fact]
    public async Task A_missing_state_reads_as_new_and_a_write_with_a_stale_etag_is_refused()
    {
        using var storage = await OpenAsync();
        var first = new GrainState<List<int>>();
        await storage.ReadStateAsync("s", Grain, first);
        Assert.False(first.RecordExists);
        Assert.Null(first.ETag);
        Assert.NotNull(first.State);

        var stale = new GrainState<List<int>>([1]);
        first.State!.Add(2);
        await storage.WriteStateAsync("s", Grain, first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("s", Grain, stale));

        var read = new GrainState<List<int>>();
        await storage.ReadStateAsync("s", Grain, read);
        Assert.Equal([2], read.State);
    }

    [Fact]
    public async Task States_of_other_names_or_grains_are_kept_apart_and_a_clear_removes_one()
    {
        using var storage = await OpenAsync();
        var other = GrainId.Create("test", "u:other");
        await storage.WriteStateAsync("s", Grain, new GrainState<List<string>>(["a"]));
        await storage.WriteStateAsync("t", Grain, new GrainState<List<string>>(["b"]));
        var cleared = new GrainState<List<string>>(["c"]);
        await storage.WriteStateAsync("s", other, cleared);

        await storage.ClearStateAsync("s", other, cleared);

        Assert.Equal("a", await ReadAsync(storage, "s", Grain));
        Assert.Equal("b", await ReadAsync(storage, "t", Grain));
        Assert.Null(await ReadAsync(storage, "s", other));
        Assert.Equal(2, Directory.GetFiles(_data.FullName, "*", SearchOption.AllDirectories).Count(f => f.EndsWith(".state", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_second_storage_on_a_folder_in_use_is_refused()
    {
        using var storage = await OpenAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(OpenAsync);
        Assert.Contains("in use by another process", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<string?> ReadAsync(FileGrainStorage storage, string name, GrainId grain)
    {
        var state = new GrainState<List<string>>();
        await storage.ReadStateAsync(name, grain, state);
        return state.RecordExists ? state.State!.Single() : null;
    }

    private async Task<FileGrainStorage> OpenAsync()
    {
        var storage = new FileGrainStorage(
            _data.FullName,
            _services.GetRequiredService<Serializer>(),
            _services.GetRequiredService<IActivatorProvider>(),
            NullLogger<FileGrainStorage>.Instance);
        try
        {
            await storage.OpenAsync();
            return storage;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }
}
