using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Sente.Hosting;

/// <summary>
/// Grain storage in a local folder, for the embedded default (one silo, one process): sessions,
/// the data-protection key ring and durable inboxes outlive a restart, so browsers stay signed in.
/// Sente's grains reach it through <c>SenteGrainStorage</c>, which encodes their keys and checks
/// the grain id of every record it reads.
/// <list type="bullet">
/// <item>One file per grain state, named by the SHA-256 of its state name and grain id (any key,
/// any length, is a valid file name; the names cannot collide in practice).</item>
/// <item>A file is an 8-byte version (the ETag) and the state in Orleans' binary serialization,
/// which tolerates added and removed members as the grains' state classes evolve.</item>
/// <item>A write goes to a temporary file, flushed to disk, then renamed over the old one: a crash
/// leaves the old state or the new, never half of one. A write whose ETag is not the stored
/// version is refused (<see cref="InconsistentStateException"/>), as every Orleans provider does.</item>
/// <item>The folder is locked for the life of the silo, so a second process pointed at the same
/// folder fails at start rather than overwriting the first one's state.</item>
/// </list>
/// </summary>
internal sealed partial class FileGrainStorage(
    string directory,
    Serializer serializer,
    IActivatorProvider activators,
    ILogger<FileGrainStorage> logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private const string LockFileName = ".lock";
    private const string StateFolderName = "grains";
    private const string StateExtension = ".state";
    private const string TempExtension = ".tmp";
    private const int HeaderLength = sizeof(long);

    // Writes are rare (a login, a key every 90 days, a durable push): one at a time is enough, and
    // it keeps the check of the stored version and the rename that replaces it together.
    private readonly SemaphoreSlim _write = new(1, 1);
    private FileStream? _lock;

    /// <summary>The folder holding the state files (and the lock).</summary>
    public string Directory { get; } = Path.GetFullPath(directory);

    private string StateDirectory => Path.Combine(Directory, StateFolderName);

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(FileGrainStorage), ServiceLifecycleStage.RuntimeInitialize, _ => OpenAsync(), _ => CloseAsync());

    /// <summary>Creates the folder, takes its lock and removes temporary files a crash left behind.</summary>
    internal Task OpenAsync()
    {
        System.IO.Directory.CreateDirectory(StateDirectory);
        try
        {
            _lock = new FileStream(Path.Combine(Directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The grain state folder {Directory} is in use by another process; give this one its own (Sente:Cluster:DataDirectory).", e);
        }

        foreach (var leftover in System.IO.Directory.EnumerateFiles(StateDirectory, "*" + TempExtension))
        {
            File.Delete(leftover);
        }

        LogKeptIn(logger, Directory);
        return Task.CompletedTask;
    }

    internal Task CloseAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path);
        }
        catch (FileNotFoundException)
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        if (bytes.Length < HeaderLength)
        {
            throw new InvalidOperationException($"The {stateName} state file of grain {grainId} ({path}) is truncated.");
        }

        grainState.State = serializer.Deserialize<T>(bytes.AsMemory(HeaderLength));
        grainState.ETag = ETag(BinaryPrimitives.ReadInt64LittleEndian(bytes));
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        var payload = serializer.SerializeToArray(grainState.State);
        await _write.WaitAsync();
        try
        {
            var version = StoredVersion(stateName, grainId, path, grainState.ETag) + 1;
            var temp = path + "." + Guid.NewGuid().ToString("N") + TempExtension;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                var header = new byte[HeaderLength];
                BinaryPrimitives.WriteInt64LittleEndian(header, version);
                await file.WriteAsync(header);
                await file.WriteAsync(payload);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            grainState.ETag = ETag(version);
            grainState.RecordExists = true;
        }
        finally
        {
            _write.Release();
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var path = PathOf(stateName, grainId);
        await _write.WaitAsync();
        try
        {
            StoredVersion(stateName, grainId, path, grainState.ETag);
            File.Delete(path);
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        finally
        {
            _write.Release();
        }
    }

    /// <summary>The stored version (0 without a file), after checking that the caller's ETag is it.</summary>
    private static long StoredVersion(string stateName, GrainId grainId, string path, string? expected)
    {
        long? stored = null;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> header = stackalloc byte[HeaderLength];
            file.ReadExactly(header);
            stored = BinaryPrimitives.ReadInt64LittleEndian(header);
        }
        catch (FileNotFoundException)
        {
        }

        var actual = stored is { } version ? ETag(version) : null;
        if (actual != expected)
        {
            throw new InconsistentStateException(
                $"The {stateName} state of grain {grainId} was changed by another writer (stored version {actual ?? "none"}, expected {expected ?? "none"}).",
                actual ?? "",
                expected ?? "");
        }

        return stored ?? 0;
    }

    private string PathOf(string stateName, GrainId grainId)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{stateName}\n{grainId}")));
        return Path.Combine(StateDirectory, name + StateExtension);
    }

    private static string ETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Grain state (sessions, the data-protection key ring, durable inboxes) is kept in {Directory}")]
    private static partial void LogKeptIn(ILogger logger, string directory);
}
