using System.Text;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// What a receiver client says on the wire besides reading pushes: an opening message, a
/// periodic keep-alive, and the answer to a server ping (a message equal to
/// <see cref="ServerPing"/> is answered with <see cref="PongMessage"/>). Events are found in
/// any protocol by <see cref="TimestampScanner"/>.
/// </summary>
internal sealed record ClientProtocol(string Name, byte[]? OpenMessage, byte[]? KeepAliveMessage, byte[]? ServerPing = null, byte[]? PongMessage = null)
{
    /// <summary>Plain WebSocket: the server writes payloads as text frames; the client says nothing.</summary>
    public static ClientProtocol Raw { get; } = new("raw", null, null);

    /// <summary>
    /// SignalR's JSON hub protocol spoken by hand: the handshake record, then a ping record
    /// every few seconds (the server closes a client silent for 30 s).
    /// </summary>
    public static ClientProtocol SignalRJson { get; } = new(
        "signalr-json",
        Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"),
        Encoding.UTF8.GetBytes("{\"type\":6}\u001e"));

    /// <summary>
    /// Sente over the JSON packer (<c>packer=json</c>): the server speaks first (the handshake),
    /// pushes arrive as batch frames, and the server's keep-alive ping is answered with a pong.
    /// </summary>
    public static ClientProtocol SenteJson { get; } = new(
        "sente-json",
        null,
        null,
        Encoding.UTF8.GetBytes("[\":chsk/ws-ping\",null]"),
        Encoding.UTF8.GetBytes("[[\":chsk/ws-pong\"],null]"));

    public static ClientProtocol Parse(string name) => name switch
    {
        "raw" => Raw,
        "signalr-json" => SignalRJson,
        "sente-json" => SenteJson,
        _ => throw new ArgumentException($"Unknown client protocol '{name}'."),
    };
}
