using Microsoft.Extensions.Logging;
using Orleans.Sente.Protocol;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// One push as it arrives at this front end, packed at most once per packer however many local
/// clients receive it: by <see cref="Prepare"/> on the thread that delivers it, never later on the batch loop. Also caches the one-event batch frame, the common case.
/// A push that a packer cannot write (data nested deeper than a push frame may be, or a packer an
/// application added that writes less than the built-in ones) is dropped for that packer's
/// clients only, each drop counted, the first one per packer logged.
/// </summary>
internal sealed partial class PackedEvent(SenteEvent @event)
{
    /// <summary>Marks a push this packer could not write.</summary>
    private static readonly byte[] Unpackable = [];

    private readonly byte[]?[] _eventBytes = new byte[]?[MaxPackers];
    private readonly byte[]?[] _singleBatch = new byte[]?[MaxPackers];

    /// <summary>More packers than any front end is configured with.</summary>
    public const int MaxPackers = 8;

    public SenteEvent Event { get; } = @event;

    /// <summary>The group of a group push (null for any other push): a connection that writes it has been written its group through <see cref="GroupPosition"/>.</summary>
    public string? GroupKey { get; init; }

    /// <summary>A group push's place in its group's order.</summary>
    public GroupPosition GroupPosition { get; init; }

    /// <summary>The event vector <c>[id data]</c> in this packer's bytes, or null when the packer cannot write it.</summary>
    public byte[]? EventBytes(int packerIndex, ISentePacker packer, SenteMetrics metrics, ILogger logger)
    {
        var bytes = Pack(packerIndex, packer, logger);
        if (ReferenceEquals(bytes, Unpackable))
        {
            metrics.Dropped(UnpackableReason);
            return null;
        }

        return bytes;
    }

    /// <summary>
    /// Packs the event for this packer now, on the caller's thread, if no one has yet: the front
    /// end calls this as a push arrives, so the one batch loop that later writes it only joins bytes
    /// already made, whatever a push costs to pack. Drops are counted when the push is written.
    /// </summary>
    public void Prepare(SenteConnection connection, ILogger logger) => Pack(connection.PackerIndex, connection.Packer, logger);

    private byte[] Pack(int packerIndex, ISentePacker packer, ILogger logger)
    {
        var bytes = Volatile.Read(ref _eventBytes[packerIndex]);
        if (bytes is null)
        {
            Exception? problem = null;
            try
            {
                // Data deeper than a client may send would make a push frame past the bounds every
                // reader keeps (the batch adds levels around the event), so no client could read it.
                bytes = Envelope.IsTooDeepToPush(Event.Data)
                    ? throw new SentePackException($"Event data nested deeper than {Envelope.MaxEventDataDepth}: a push frame of it would pass {SenteLimits.MaxDepth} levels")
                    : packer.PackToArray(Event.ToVector());
            }
            catch (Exception e)
            {
                // Any packer failure, not only SentePackException: the packers' writers may throw
                // what System.Text.Json throws, and one push must never cost more than itself.
                problem = e;
                bytes = Unpackable;
            }

            var first = Interlocked.CompareExchange(ref _eventBytes[packerIndex], bytes, null);
            if (first is null && problem is not null)
            {
                LogUnpackable(logger, problem, Event.Id.ToString(), packer.Name);
            }

            bytes = first ?? bytes;
        }

        return bytes;
    }

    /// <summary>The reason of <c>sente.deliveries.dropped</c> for a push a client's packer cannot write.</summary>
    public const string UnpackableReason = "unpackable";

    /// <summary>
    /// The push frame <c>[[ev ...] nil]</c> of a connection's pending pushes: the cached
    /// one-event frame when there is one push, else the batch around each push's cached bytes.
    /// Pushes the packer cannot write are left out (and counted); null when none is left.
    /// </summary>
    public static byte[]? BatchFrame(IReadOnlyList<PackedEvent> batch, int packerIndex, ISentePacker packer, SenteMetrics metrics, ILogger logger, out int events)
    {
        if (batch.Count == 1)
        {
            var frame = batch[0].SingleBatchFrame(packerIndex, packer, metrics, logger);
            events = frame is null ? 0 : 1;
            return frame;
        }

        var packed = new List<ReadOnlyMemory<byte>>(batch.Count);
        foreach (var push in batch)
        {
            if (push.EventBytes(packerIndex, packer, metrics, logger) is { } bytes)
            {
                packed.Add(bytes);
            }
        }

        events = packed.Count;
        if (events == 0)
        {
            return null;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        packer.WriteBatch(packed, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The whole frame <c>[[event] nil]</c> in this packer's bytes, or null when the packer cannot write the event.</summary>
    private byte[]? SingleBatchFrame(int packerIndex, ISentePacker packer, SenteMetrics metrics, ILogger logger)
    {
        var frame = Volatile.Read(ref _singleBatch[packerIndex]);
        if (frame is null)
        {
            if (EventBytes(packerIndex, packer, metrics, logger) is not { } bytes)
            {
                return null;
            }

            var buffer = new System.Buffers.ArrayBufferWriter<byte>(bytes.Length + 16);
            packer.WriteBatch([bytes], buffer);
            frame = buffer.WrittenSpan.ToArray();
            Interlocked.CompareExchange(ref _singleBatch[packerIndex], frame, null);
        }

        return frame;
    }

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "Dropped push {PushId} for every {Packer} client: the packer cannot write it")]
    private static partial void LogUnpackable(ILogger logger, Exception exception, string pushId, string packer);
}
