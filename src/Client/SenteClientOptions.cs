using System.Net;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Client;

/// <summary>The options of a <see cref="SenteClient"/>. Only <see cref="Uri"/> is required.</summary>
public sealed class SenteClientOptions
{
    /// <summary>The default <see cref="WsKeepAlive"/>: 20 s, as Sente's client.</summary>
    public static readonly TimeSpan DefaultWsKeepAlive = TimeSpan.FromSeconds(20);

    /// <summary>The default <see cref="WsPingTimeout"/>: 5 s, as Sente's client.</summary>
    public static readonly TimeSpan DefaultWsPingTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The default <see cref="WsConnectTimeout"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultWsConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default <see cref="LpTimeout"/>: 60 s, Sente's client-side Ajax timeout.</summary>
    public static readonly TimeSpan DefaultLpTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The default <see cref="EventBufferCapacity"/>: 1024 events.</summary>
    public const int DefaultEventBufferCapacity = 1024;

    /// <summary>
    /// The Sente endpoint, <c>http(s)://host[:port]/chsk</c>. The WebSocket uses <c>ws(s)</c> on the same
    /// address; a <c>ws(s)</c> address is accepted too. Required.
    /// </summary>
    public Uri? Uri { get; set; }

    /// <summary>The transport. Default <see cref="SenteClientTransport.Auto"/>.</summary>
    public SenteClientTransport Transport { get; set; } = SenteClientTransport.Auto;

    /// <summary>The client-id. Default: a random UUID per client.</summary>
    public string ClientId { get; set; } = Guid.NewGuid().ToString();

    /// <summary>Extra query parameters on the WebSocket URL and on Ajax polls (not on Ajax POSTs, as in Sente). Default none.</summary>
    public IDictionary<string, string> Params { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// The packer: <c>"json"</c> (default), <c>"edn"</c>, <c>"transit"</c> (transit-json) or <c>"msgpack"</c>
    /// (Sente's MessagePack dialect: binary WebSocket messages and octet-stream Ajax sends). The client
    /// names it in its URL; a server path mapped with the same packer does not need that.
    /// </summary>
    public string Packer { get; set; } = "json";

    /// <summary>
    /// The CSRF token: sent as the <c>csrf-token</c> parameter of the WebSocket URL and as the
    /// <c>X-CSRF-Token</c> header on Ajax requests. Default none.
    /// </summary>
    public string? CsrfToken { get; set; }

    /// <summary>
    /// Gives the access token of each connection, as SignalR's <c>AccessTokenProvider</c>: asked before
    /// every WebSocket upgrade, which carries it as the <c>access_token</c> query parameter (the
    /// server reads it from there, see <c>docs/authentication.md</c>), and before every Ajax request,
    /// which carries it as <c>Authorization: Bearer &lt;token&gt;</c>. Asked again at each connect,
    /// so a provider that refreshes an expiring token keeps reconnects signed in. A null or empty
    /// token sends none. Default none.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>
    /// Headers sent on every Ajax request and on the WebSocket upgrade (set with
    /// <see cref="ClientWebSocketOptions.SetRequestHeader"/>, which refuses a few reserved names
    /// such as <c>Host</c> and <c>Sec-WebSocket-Key</c>). Default none.
    /// </summary>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();

    /// <summary>
    /// Cookies sent with every request and upgrade (a session cookie, for instance) and updated from responses.
    /// Ignored for Ajax when <see cref="HttpMessageHandler"/> is set (configure that handler's cookies instead). Default none.
    /// </summary>
    public CookieContainer? Cookies { get; set; }

    /// <summary>
    /// The handler of Ajax requests, and of the WebSocket upgrade when set. The client does not dispose it.
    /// Default: a <see cref="SocketsHttpHandler"/> owned by the client.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; set; }

    /// <summary>Called on each new <see cref="ClientWebSocketOptions"/> before connecting (headers, certificates, proxy). Default none.</summary>
    public Action<ClientWebSocketOptions>? ConfigureWebSocket { get; set; }

    /// <summary>
    /// When nothing has been received on the WebSocket for this long, the client sends
    /// <c>[[:chsk/ws-ping] cb]</c>. Default 20 s. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan WsKeepAlive { get; set; } = DefaultWsKeepAlive;

    /// <summary>The client reconnects when its ping gets no <c>"pong"</c> within this. Default 5 s.</summary>
    public TimeSpan WsPingTimeout { get; set; } = DefaultWsPingTimeout;

    /// <summary>A WebSocket that has not delivered the handshake within this is given up. Default 10 s.</summary>
    public TimeSpan WsConnectTimeout { get; set; } = DefaultWsConnectTimeout;

    /// <summary>
    /// The client-side limit on one Ajax request (a long poll, a POST). Default 60 s. Keep it above the
    /// server's <c>LpTimeout</c> (20 s by default), which answers a parked poll with <c>[:chsk/timeout nil]</c>.
    /// </summary>
    public TimeSpan LpTimeout { get; set; } = DefaultLpTimeout;

    /// <summary>The delays between reconnect attempts. Default <see cref="ExponentialBackoffReconnectPolicy"/> (2 s base, 30 s cap).</summary>
    public IReconnectPolicy ReconnectPolicy { get; set; } = new ExponentialBackoffReconnectPolicy();

    /// <summary>
    /// Capacity of the buffer behind <see cref="SenteClient.ReadEventsAsync"/>. Default 1024. 0 turns the
    /// buffer off, for clients that only use <see cref="SenteClient.On"/> handlers.
    /// </summary>
    public int EventBufferCapacity { get; set; } = DefaultEventBufferCapacity;

    /// <summary>
    /// What happens when that buffer is full. Default <see cref="BoundedChannelFullMode.Wait"/>: the client
    /// stops reading from the server until the application catches up, so pushes wait at the server.
    /// </summary>
    public BoundedChannelFullMode EventBufferFullMode { get; set; } = BoundedChannelFullMode.Wait;

    /// <summary>The logger. Default none.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>The clock of keep-alive, timeouts and reconnect delays. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    internal void Validate()
    {
        var problems = new List<string>();
        if (Uri is null || !Uri.IsAbsoluteUri || Uri.Scheme is not ("http" or "https" or "ws" or "wss"))
        {
            problems.Add("Uri must be an absolute http(s) or ws(s) address of the Sente endpoint");
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            problems.Add("ClientId must not be empty");
        }

        if (Packer is not ("json" or "edn" or "transit" or "msgpack"))
        {
            problems.Add("Packer must be \"json\", \"edn\", \"transit\" or \"msgpack\"");
        }

        if (WsKeepAlive <= TimeSpan.Zero && WsKeepAlive != Timeout.InfiniteTimeSpan)
        {
            problems.Add("WsKeepAlive must be positive (or infinite)");
        }

        if (WsPingTimeout <= TimeSpan.Zero || WsConnectTimeout <= TimeSpan.Zero || LpTimeout <= TimeSpan.Zero)
        {
            problems.Add("WsPingTimeout, WsConnectTimeout and LpTimeout must be positive");
        }

        if (EventBufferCapacity < 0)
        {
            problems.Add("EventBufferCapacity must not be negative");
        }

        if (ReconnectPolicy is null || TimeProvider is null || Params is null || Headers is null)
        {
            problems.Add("ReconnectPolicy, TimeProvider, Params and Headers must not be null");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid SenteClientOptions: " + string.Join("; ", problems) + ".");
        }
    }
}
