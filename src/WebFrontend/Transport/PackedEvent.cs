using Orleans.Sente.Protocol;

namespace Orleans.Sente.WebFrontend;

/// <summary>
/// One push as it arrives at this front end, packed lazily at most once per packer however
/// many local clients receive it. Also caches the one-event batch frame, the common case.
/// </summary>
internal sealed class PackedEvent(SenteEvent @event)
{
    private readonly byte[]?[] _eventBytes = new byte[]?[MaxPackers];
    private readonly byte[]?[] _singleBatch = new byte[]?[MaxPackers];

    /// <summary>More packers than any front end is configured with.</summary>
    public const int MaxPackers = 8;

    public SenteEvent Event { get; } = @event;

    /// <summary>The event vector <c>[id data]</c> in this packer's bytes.</summary>
    public byte[] EventBytes(int packerIndex, ISentePacker packer)
    {
        var bytes = Volatile.Read(ref _eventBytes[packerIndex]);
        if (bytes is null)
        {
            bytes = packer.PackToArray(Event.ToVector());
            Interlocked.CompareExchange(ref _eventBytes[packerIndex], bytes, null);
        }

        return bytes;
    }

    /// <summary>The whole frame <c>[[event] nil]</c> in this packer's bytes.</summary>
    public byte[] SingleBatchFrame(int packerIndex, ISentePacker packer)
    {
        var frame = Volatile.Read(ref _singleBatch[packerIndex]);
        if (frame is null)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(160);
            packer.WriteBatch([EventBytes(packerIndex, packer)], buffer);
            frame = buffer.WrittenSpan.ToArray();
            Interlocked.CompareExchange(ref _singleBatch[packerIndex], frame, null);
        }

        return frame;
    }

    /// <summary>
    /// The push frame <c>[[ev ...] nil]</c> of a connection's pending pushes: the cached
    /// one-event frame when there is one push, else the batch around each push's cached bytes.
    /// </summary>
    public static byte[] BatchFrame(IReadOnlyList<PackedEvent> batch, int packerIndex, ISentePacker packer)
    {
        if (batch.Count == 1)
        {
            return batch[0].SingleBatchFrame(packerIndex, packer);
        }

        var events = new ReadOnlyMemory<byte>[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            events[i] = batch[i].EventBytes(packerIndex, packer);
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        packer.WriteBatch(events, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
