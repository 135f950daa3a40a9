using Microsoft.AspNetCore.Http;
using Orleans.Sente.Protocol;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Front-end settings, with Sente's option names in PascalCase and Sente's defaults.
/// Grain-side settings (grace periods, outboxes) live in <c>SenteGrainOptions</c>.
/// </summary>
public sealed class SenteOptions
{
    public static readonly TimeSpan DefaultWsKeepAlive = TimeSpan.FromMilliseconds(25_000);
    public static readonly TimeSpan DefaultWsPingTimeout = TimeSpan.FromMilliseconds(10_000);
    public static readonly TimeSpan DefaultLpTimeout = TimeSpan.FromMilliseconds(20_000);
    public static readonly TimeSpan DefaultSendBufWs = TimeSpan.FromMilliseconds(30);
    public static readonly TimeSpan DefaultSendBufAjax = TimeSpan.FromMilliseconds(100);
    public const int DefaultMaxMessageBytes = 1024 * 1024;
    public const int DefaultSendQueueLimit = 1024;
    public const int DefaultSendBufferLimitBytes = 4 * 1024 * 1024;
    public static readonly TimeSpan DefaultWriteTimeout = TimeSpan.FromSeconds(20);
    public const int DefaultMaxEventsPerSecond = 200;
    public const string DefaultPackerName = "edn";
    public static readonly TimeSpan DefaultAjaxSessionTimeout = TimeSpan.FromMilliseconds(5000);

    /// <summary>
    /// Sente's <c>user-id-fn</c>: computes the user-id from the request. Null means Sente's
    /// nil-uid. Default: the session's <c>uid</c> (<see cref="SenteUserIds.SessionUid"/>).
    /// </summary>
    public Func<SenteRequest, ValueTask<string?>> UserIdFn { get; set; } = SenteUserIds.SessionUid;

    /// <summary>Sente's <c>handshake-data-fn</c>: extra data for the handshake. Default: none (nil).</summary>
    public Func<SenteRequest, EdnValue?> HandshakeDataFn { get; set; } = static _ => null;

    /// <summary>
    /// Sente's <c>ws-kalive-ms</c>: a socket idle for half of this gets a server ping. Default 25 s.
    /// </summary>
    public TimeSpan WsKeepAlive { get; set; } = DefaultWsKeepAlive;

    /// <summary>Sente's <c>ws-ping-timeout-ms</c>: a socket that sends nothing this long after a ping is closed. Default 10 s.</summary>
    public TimeSpan WsPingTimeout { get; set; } = DefaultWsPingTimeout;

    /// <summary>Sente's <c>lp-timeout-ms</c>: how long an Ajax poll is held. Default 20 s; must stay below the client's 60 s.</summary>
    public TimeSpan LpTimeout { get; set; } = DefaultLpTimeout;

    /// <summary>Sente's <c>send-buf-ms-ws</c>: pushes within this window of the first go out as one batch. Default 30 ms.</summary>
    public TimeSpan SendBufWs { get; set; } = DefaultSendBufWs;

    /// <summary>Sente's <c>send-buf-ms-ajax</c>. Default 100 ms.</summary>
    public TimeSpan SendBufAjax { get; set; } = DefaultSendBufAjax;

    /// <summary>Largest client message accepted, in bytes; a larger one closes the socket (1009). Default 1 MiB.</summary>
    public int MaxMessageBytes { get; set; } = DefaultMaxMessageBytes;

    /// <summary>
    /// Client events one WebSocket may send per second, on average (bursts of twice as many pass);
    /// a client over it is closed as a flood. Default 200.
    /// </summary>
    public int MaxEventsPerSecond { get; set; } = DefaultMaxEventsPerSecond;

    /// <summary>Frames waiting to be written to one socket; a client that falls this far behind is closed. Default 1024.</summary>
    public int SendQueueLimit { get; set; } = DefaultSendQueueLimit;

    /// <summary>
    /// Bytes one WebSocket may hold waiting to be written (the frame being written included). A
    /// frame that would take a socket over it closes the socket with <c>client too slow: send queue
    /// full</c>, what was waiting is freed, and the client's grain holds its pushes until it
    /// reconnects. A single frame larger than this still goes out to a socket holding nothing.
    /// Default 4 MiB; at least 64 KiB.
    /// </summary>
    public int SendBufferLimitBytes { get; set; } = DefaultSendBufferLimitBytes;

    /// <summary>
    /// How long one frame may take to be written to a WebSocket. A socket whose write has not
    /// completed by then (a client that stopped reading, its TCP window shut) is aborted, since not
    /// even a close frame would reach it; its client is parked like any closed one. Default 20 s.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = DefaultWriteTimeout;

    /// <summary>
    /// The packer of a client that names none: EDN, as an unmodified Sente client expects. A Sente
    /// app built with another packer sets it here (<c>"transit"</c>, <c>"msgpack"</c>), or per path with
    /// <c>MapSente(path, packer)</c>: Sente's client sends nothing that names its packer.
    /// </summary>
    public string DefaultPacker { get; set; } = DefaultPackerName;

    /// <summary>
    /// How long this front end keeps a client's Ajax session between polls (buffering its pushes
    /// for the next poll, with no call to the cluster when the next poll lands here). A session
    /// with no poll for this long ends and the client is handed to its grain's grace period
    /// (<c>AjaxCloseGrace</c>). Default 5 s, Sente's <c>ms-allow-reconnect-before-close-ajax</c>.
    /// </summary>
    public TimeSpan AjaxSessionTimeout { get; set; } = DefaultAjaxSessionTimeout;

    /// <summary>
    /// Sente's <c>reject-fn</c>, the first check on every request (GET, POST and WebSocket
    /// upgrade): return a rejection to refuse the request with it, or null to go on. Default: none.
    /// </summary>
    public Func<HttpContext, ValueTask<SenteRejection?>>? RejectFn { get; set; }

    /// <summary>
    /// Sente's <c>csrf-token-fn</c>: the token the request must carry (as the <c>csrf-token</c>
    /// parameter or an <c>X-CSRF-Token</c> / <c>X-XSRF-Token</c> header). Default: the session's
    /// <c>csrf-token</c> (<see cref="SenteCsrf.SessionToken"/>); a request whose session has no
    /// token is refused. Null disables the check (only for apps that protect the path otherwise).
    /// </summary>
    public Func<HttpContext, ValueTask<string?>>? CsrfTokenFn { get; set; } = SenteCsrf.SessionToken;

    /// <summary>
    /// Sente's <c>allowed-origins</c>: null (the default) is <c>:all</c>; otherwise the origins
    /// (<c>scheme://host[:port]</c>) a request's <c>Origin</c> header (or, without one, its
    /// <c>Referer</c>) must match exactly. <c>["*"]</c> allows every origin on purpose. With
    /// <see cref="CsrfTokenFn"/> null, leaving this null is refused at start: nothing would stop
    /// a page of another site from opening a channel with the user's cookies.
    /// </summary>
    public ICollection<string>? AllowedOrigins { get; set; }

    /// <summary>Sente's <c>authorized?-fn</c>, the last check: false refuses the request. Default: none (all authorized).</summary>
    public Func<HttpContext, ValueTask<bool>>? AuthorizedFn { get; set; }

    /// <summary>The answer to a request with a missing or wrong CSRF token. Default: Sente's 403 "Bad CSRF token".</summary>
    public SenteRejection BadCsrfRejection { get; set; } = SenteRejection.BadCsrf;

    /// <summary>The answer to a request from an origin not allowed. Default: Sente's 403 "Unauthorized origin".</summary>
    public SenteRejection BadOriginRejection { get; set; } = SenteRejection.BadOrigin;

    /// <summary>The answer when <see cref="AuthorizedFn"/> says no. Default: Sente's 401 "Unauthorized request".</summary>
    public SenteRejection UnauthorizedRejection { get; set; } = SenteRejection.Unauthorized;

    /// <summary>
    /// Packers a client may ask for with the <c>packer</c> query parameter: JSON, EDN, Transit and
    /// MessagePack (Sente's <c>taoensso.sente.packers.transit</c> and <c>.msgpack</c>).
    /// </summary>
    public IList<ISentePacker> Packers { get; } = [JsonPacker.Instance, EdnPacker.Instance, TransitPacker.Instance, MsgpackPacker.Instance];
}

/// <summary>What a user-id function sees: the request and the client-id it carries.</summary>
public sealed record SenteRequest(HttpContext HttpContext, string ClientId);

/// <summary>A refused request: the status and plain-text body the client gets.</summary>
public sealed record SenteRejection(int Status, string Body)
{
    public static readonly SenteRejection BadCsrf = new(StatusCodes.Status403Forbidden, "Bad CSRF token");
    public static readonly SenteRejection BadOrigin = new(StatusCodes.Status403Forbidden, "Unauthorized origin");
    public static readonly SenteRejection Unauthorized = new(StatusCodes.Status401Unauthorized, "Unauthorized request");
}
