using System.Buffers;
using System.Text;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.Client.Transport;

/// <summary>What a server frame is, in the order Sente's client tells them apart.</summary>
internal enum ServerFrameKind
{
    /// <summary><c>[[:chsk/handshake [uid nil data]] nil]</c>.</summary>
    Handshake,

    /// <summary><c>[:chsk/ws-ping nil]</c>: the server's keep-alive ping.</summary>
    Ping,

    /// <summary><c>[:chsk/timeout nil]</c>: a poll or an Ajax request that timed out at the server.</summary>
    Timeout,

    /// <summary><c>[:chsk/dummy-cb-200 nil]</c>: an Ajax send that wanted no reply.</summary>
    DummyCb200,

    /// <summary><c>[reply cb]</c> with a non-nil cb: the reply to a WebSocket request.</summary>
    Reply,

    /// <summary><c>[[ev1 ev2 …] nil]</c>: pushes.</summary>
    Batch,

    /// <summary>Anything else.</summary>
    Unknown,
}

/// <summary>The user-id (null for nil-uid) and handshake data (null for nil) of a handshake.</summary>
internal readonly record struct Handshake(string? UserId, EdnValue? Data);

/// <summary>One server frame: what it is, its payload and its callback id.</summary>
internal readonly record struct ServerFrame(ServerFrameKind Kind, EdnValue Payload, EdnValue? CallbackId)
{
    /// <summary>Reads the envelope <c>[payload ?cb]</c> as Sente's client does; <c>:chsk/*</c> names match as keywords or, from the JSON packer, as strings.</summary>
    public static ServerFrame Classify(EdnValue frame)
    {
        if (frame is not EdnSequence { Count: >= 1 } envelope)
        {
            return new(ServerFrameKind.Unknown, frame, null);
        }

        var payload = envelope[0];
        var callback = envelope.Count >= 2 && !envelope[1].IsNil ? envelope[1] : null;
        if (payload is EdnSequence { Count: >= 1 } head && Is(head[0], Envelope.Handshake))
        {
            return new(ServerFrameKind.Handshake, payload, callback);
        }

        var kind = payload switch
        {
            _ when Is(payload, Envelope.WsPing) => ServerFrameKind.Ping,
            _ when callback is not null => ServerFrameKind.Reply,
            _ when Is(payload, Envelope.Timeout) => ServerFrameKind.Timeout,
            _ when Is(payload, Envelope.DummyCb200) => ServerFrameKind.DummyCb200,
            EdnSequence => ServerFrameKind.Batch,
            _ => ServerFrameKind.Unknown,
        };
        return new(kind, payload, callback);
    }

    /// <summary>The handshake's <c>[uid nil data]</c>; <c>:sente/nil-uid</c> is a null user-id.</summary>
    public Handshake ReadHandshake()
    {
        var body = Payload is EdnSequence { Count: >= 2 } p && p[1] is EdnSequence b ? b : EdnVector.Empty;
        var uid = body.Count >= 1 ? body[0] : EdnValue.Nil;
        string? userId = uid switch
        {
            _ when uid.IsNil || Is(uid, Envelope.NilUid) => null,
            EdnString s => s.Value,
            _ => uid.ToString(),
        };
        var data = body.Count >= 3 && !body[2].IsNil ? body[2] : null;
        return new(userId, data);
    }

    /// <summary>
    /// The events of a batch; items that are not events are dropped (a server never sends them). A
    /// resume mark <c>[:chsk/resume "epoch:push-id"]</c> is not an event: it goes to
    /// <paramref name="onResumeMark"/>, to be sent back on the next connect.
    /// </summary>
    public List<SenteEvent> ReadBatch(bool eventIdsAreStrings, Action<string>? onResumeMark = null)
    {
        var events = new List<SenteEvent>();
        if (Payload is EdnSequence items)
        {
            foreach (var item in items)
            {
                var @event = Envelope.ReadEvent(item, eventIdsAreStrings);
                if (@event.Id == Envelope.ResumeMark)
                {
                    if (@event.Data is EdnString { Value: var mark })
                    {
                        onResumeMark?.Invoke(mark);
                    }
                }
                else if (@event.Id != Envelope.BadEvent)
                {
                    events.Add(@event);
                }
            }
        }

        return events;
    }

    /// <summary>A keyword, or its JSON form <c>":ns/name"</c>.</summary>
    public static bool Is(EdnValue value, EdnKeyword keyword) => value switch
    {
        EdnKeyword k => k == keyword,
        EdnString s => s.Value.Length == keyword.FullName.Length + 1 && s.Value[0] == ':' && s.Value.AsSpan(1).SequenceEqual(keyword.FullName),
        _ => false,
    };
}

/// <summary>Packing of client envelopes with the client's packer.</summary>
internal static class ClientFrames
{
    public static ISentePacker Packer(string name) => name switch
    {
        "edn" => EdnPacker.Instance,
        "transit" => TransitPacker.Instance,
        "msgpack" => MsgpackPacker.Instance,
        _ => JsonPacker.Instance,
    };

    /// <summary>Packs <c>[event cb]</c>; a value the packer cannot carry is a <see cref="SenteRequestFailure.Error"/>.</summary>
    public static byte[] Pack(ISentePacker packer, SenteEvent @event, EdnValue? callbackId)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        try
        {
            packer.Pack(new EdnVector(@event.ToVector(), callbackId ?? EdnValue.Nil), buffer);
        }
        catch (SentePackException e)
        {
            throw new SenteRequestException(SenteRequestFailure.Error, $"Cannot pack {@event.Id}: {e.Message}", e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string PackText(ISentePacker packer, SenteEvent @event, EdnValue? callbackId) =>
        Encoding.UTF8.GetString(Pack(packer, @event, callbackId));
}
