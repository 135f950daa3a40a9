using System.Buffers;
using System.Text;

namespace Orleans.Sente.Protocol.Tests;

/// <summary>
/// The readers and packers as a hostile client meets them: every reader, and a check that a
/// value read by any of them can be packed by every packer and read back by that packer's own
/// reader (the recipient's), alone and inside the frames the server wraps around event data.
/// </summary>
internal static class Hostile
{
    private static readonly EdnPacker EdnKeepingTags = new(new EdnReaderOptions { KeepUnknownTags = true });
    private static readonly TransitPacker TransitKeepingTags = new(new EdnReaderOptions { KeepUnknownTags = true });

    /// <summary>The readers a frame from a client meets.</summary>
    public static readonly (string Name, Func<byte[], EdnValue> Read)[] Readers =
    [
        ("edn", frame => EdnPacker.Instance.Unpack(frame)),
        ("edn keeping tags", frame => EdnKeepingTags.Unpack(frame)),
        ("json", frame => JsonPacker.Instance.Unpack(frame)),
        ("transit", frame => TransitPacker.Instance.Unpack(frame)),
        ("transit keeping tags", frame => TransitKeepingTags.Unpack(frame)),
        ("msgpack", frame => MsgpackPacker.Instance.Unpack(frame)),
    ];

    /// <summary>Each packer with the reader its clients read with (unknown tags kept, since a value read with them kept prints them).</summary>
    public static readonly (ISentePacker Packer, ISentePacker Reader)[] Packers =
    [
        (EdnPacker.Instance, EdnKeepingTags),
        (JsonPacker.Instance, JsonPacker.Instance),
        (TransitPacker.Instance, TransitKeepingTags),
        (MsgpackPacker.Instance, MsgpackPacker.Instance),
    ];

    /// <summary>
    /// Reads <paramref name="frame"/> with every reader. A reader may refuse it, but only with
    /// <see cref="SentePackException"/>; what a reader accepts every packer packs, and the
    /// packed frame reads back; what reads as a client message can be pushed in a batch.
    /// </summary>
    public static void ReadAndPackEverywhere(byte[] frame)
    {
        foreach (var (name, read) in Readers)
        {
            EdnValue value;
            try
            {
                value = read(frame);
            }
            catch (SentePackException)
            {
                continue;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{name} reader threw {e.GetType().Name} for {Show(frame)}: {e}");
            }

            PacksEverywhere(value, $"{name} read of {Show(frame)}");
            PushesEverywhere(value, name == "json", $"{name} read of {Show(frame)}");
        }
    }

    /// <summary>Every packer packs the value, and its own reader reads the frame back.</summary>
    public static void PacksEverywhere(EdnValue value, string what)
    {
        foreach (var (packer, reader) in Packers)
        {
            byte[] packed;
            try
            {
                packed = packer.PackToArray(value);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{packer.Name} packer threw {e.GetType().Name} for the {what}: {e}");
            }

            ReadsBack(reader, packed, what);
        }
    }

    /// <summary>
    /// When the value is a client message the server accepts, its event data pushed to a user
    /// (<c>[[[id data]] nil]</c>) and echoed in a reply (<c>[data cb]</c>) packs in every packer and reads back.
    /// </summary>
    private static void PushesEverywhere(EdnValue value, bool eventIdsAreStrings, string what)
    {
        ClientMessage message;
        try
        {
            message = Envelope.ReadClientMessage(value, eventIdsAreStrings);
        }
        catch (SentePackException)
        {
            return;
        }

        foreach (var (packer, reader) in Packers)
        {
            try
            {
                var batch = new ArrayBufferWriter<byte>();
                packer.WriteBatch([packer.PackToArray(message.Event.ToVector())], batch);
                ReadsBack(reader, batch.WrittenSpan.ToArray(), what + " pushed");
                var reply = packer.PackToArray(Envelope.ReplyFrame(message.Event.Data ?? EdnValue.Nil, message.CallbackId));
                ReadsBack(reader, reply, what + " echoed in a reply");
            }
            catch (SentePackException e)
            {
                throw new Xunit.Sdk.XunitException($"{packer.Name} could not push the event of the {what}: {e.Message}");
            }
        }
    }

    private static void ReadsBack(ISentePacker reader, byte[] packed, string what)
    {
        try
        {
            reader.Unpack(packed);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{reader.Name} reader refused what its packer wrote for the {what}: {Show(packed)}: {e.Message}");
        }
    }

    public static string Show(byte[] frame)
    {
        var text = Encoding.UTF8.GetString(frame);
        return text.Length > 200 ? text[..200] + $"... ({frame.Length} bytes)" : text;
    }
}
