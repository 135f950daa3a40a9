namespace Orleans.Sente.Protocol;

/// <summary>
/// Sente's envelope <c>[payload ?cb-uuid]</c>, built and read as values. Owns every
/// <c>:chsk/*</c> and <c>:sente/*</c> name the protocol uses.
/// </summary>
public static class Envelope
{
    public static readonly EdnKeyword Handshake = new("chsk", "handshake");
    public static readonly EdnKeyword WsPing = new("chsk", "ws-ping");
    public static readonly EdnKeyword WsPong = new("chsk", "ws-pong");
    public static readonly EdnKeyword Timeout = new("chsk", "timeout");
    public static readonly EdnKeyword DummyCb200 = new("chsk", "dummy-cb-200");
    public static readonly EdnKeyword BadEvent = new("chsk", "bad-event");
    public static readonly EdnKeyword UidPortOpen = new("chsk", "uidport-open");
    public static readonly EdnKeyword UidPortClose = new("chsk", "uidport-close");

    /// <summary>
    /// The last event of a push frame to a client that asked for resume marks (the <c>resume</c>
    /// parameter): <c>[:chsk/resume "epoch:push-id"]</c> of the frame's last push, followed by the
    /// client's positions in its groups once it has had group pushes (<c>~h.e.s</c> each). The
    /// client keeps it as it is and sends it back. Never sent to a client that did not ask.
    /// </summary>
    public static readonly EdnKeyword ResumeMark = new("chsk", "resume");
    public static readonly EdnKeyword NilUid = new("sente", "nil-uid");
    public static readonly EdnKeyword AllUsersWithoutUid = new("sente", "all-users-without-uid");
    public static readonly EdnKeyword AjaxCallbackMarker = new(null, "ajax");

    /// <summary>
    /// The most levels the server wraps around event data: a push <c>[[[ev-id data]] nil]</c> and
    /// a handshake <c>[[:chsk/handshake [uid nil data]] nil]</c> put it three deep.
    /// </summary>
    public const int WrappingDepth = 3;

    /// <summary>
    /// How deep a client's event data may nest (97): deeper data, though it read, could not be
    /// pushed to another client within <see cref="SenteLimits.MaxDepth"/>.
    /// </summary>
    public const int MaxEventDataDepth = SenteLimits.MaxDepth - WrappingDepth;

    /// <summary>
    /// True when event data nests deeper than <see cref="MaxEventDataDepth"/>: a push frame of it
    /// would pass <see cref="SenteLimits.MaxDepth"/>, which no reader takes.
    /// </summary>
    public static bool IsTooDeepToPush(EdnValue? data) => EdnDepth.IsDeeperThan(data, MaxEventDataDepth);

    /// <summary>The reply a client ping gets.</summary>
    public static readonly EdnString Pong = new("pong");

    /// <summary><c>[[:chsk/handshake [uid nil handshake-data]] nil]</c>; the nil is Sente's dead csrf slot.</summary>
    public static EdnVector HandshakeFrame(EdnValue uid, EdnValue? handshakeData) =>
        new(new EdnVector(Handshake, new EdnVector(uid, EdnValue.Nil, handshakeData ?? EdnValue.Nil)), EdnValue.Nil);

    /// <summary><c>[:chsk/ws-ping nil]</c>: the server's keep-alive ping.</summary>
    public static EdnVector ServerPingFrame { get; } = new(WsPing, EdnValue.Nil);

    /// <summary><c>[:chsk/timeout nil]</c>: a poll or an Ajax callback that timed out.</summary>
    public static EdnVector TimeoutFrame { get; } = new(Timeout, EdnValue.Nil);

    /// <summary><c>[:chsk/dummy-cb-200 nil]</c>: an Ajax POST that wants no reply.</summary>
    public static EdnVector DummyCb200Frame { get; } = new(DummyCb200, EdnValue.Nil);

    /// <summary><c>[reply cb-uuid]</c> on WebSocket; <c>[reply nil]</c> on Ajax.</summary>
    public static EdnVector ReplyFrame(EdnValue reply, EdnValue? callbackId) => new(reply, callbackId ?? EdnValue.Nil);

    /// <summary><c>[[ev1 ev2 ...] nil]</c>: pushes always travel as a batch.</summary>
    public static EdnVector BatchFrame(IEnumerable<SenteEvent> events) =>
        new(new EdnVector(System.Collections.Immutable.ImmutableArray.CreateRange(events.Select(e => (EdnValue)e.ToVector()))), EdnValue.Nil);

    /// <summary>
    /// Reads a client's envelope: <c>[event ?cb]</c> (one element from old clients; extra
    /// elements ignored). An event that is not <c>[namespaced-keyword ?data]</c> becomes
    /// <c>[:chsk/bad-event raw]</c>. Throws <see cref="SentePackException"/> when the value is not an
    /// envelope at all, or when the event's data (or the bad event's raw value) nests deeper than
    /// <see cref="MaxEventDataDepth"/>, so that whatever reaches the application can be pushed.
    /// </summary>
    public static ClientMessage ReadClientMessage(EdnValue envelope, bool eventIdsAreStrings)
    {
        if (envelope is not EdnSequence { Count: >= 1 } seq)
        {
            throw new SentePackException($"Not a Sente envelope (expected [event ?cb-uuid]): {Describe(envelope)}");
        }

        var callback = seq.Count >= 2 && seq[1] is { IsNil: false } cb ? cb : null;
        var @event = ReadEvent(seq[0], eventIdsAreStrings);
        if (EdnDepth.IsDeeperThan(@event.Data, MaxEventDataDepth))
        {
            throw new SentePackException($"Event data nested too deep to be pushed (deeper than {MaxEventDataDepth})");
        }

        return new ClientMessage(@event, callback);
    }

    /// <summary>Validates <c>[ev-id ?data]</c> as Sente does; anything else is a bad event.</summary>
    public static SenteEvent ReadEvent(EdnValue raw, bool eventIdsAreStrings)
    {
        if (raw is EdnVector { Count: 1 or 2 } v)
        {
            var id = v[0] switch
            {
                EdnKeyword k => k,
                EdnString s when eventIdsAreStrings && s.Value.Length > 0 => TryKeyword(s.Value),
                _ => null,
            };
            if (id is { IsNamespaced: true })
            {
                return new SenteEvent(id, v.Count == 2 ? v[1] : null);
            }
        }

        return new SenteEvent(BadEvent, raw);
    }

    /// <summary>A string event id as a keyword, when it is one EDN can print (so it can be pushed to an EDN client).</summary>
    private static EdnKeyword? TryKeyword(string text)
    {
        try
        {
            var keyword = EdnKeyword.Parse(text);
            return EdnPrinterCore.IsPrintableKeyword(keyword) ? keyword : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Describe(EdnValue value)
    {
        var text = value.ToString() ?? value.GetType().Name;
        return text.Length > 80 ? text[..80] + "..." : text;
    }
}

/// <summary>A client's message: the event and, when it wants a reply, its callback id.</summary>
public readonly record struct ClientMessage(SenteEvent Event, EdnValue? CallbackId)
{
    public bool WantsReply => CallbackId is not null;
}
