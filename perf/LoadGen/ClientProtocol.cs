using System.Text;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// What a receiver client says on the wire besides reading pushes: an opening message and
/// a periodic keep-alive. Events are found in any protocol by <see cref="TimestampScanner"/>.
/// </summary>
internal sealed record ClientProtocol(string Name, byte[]? OpenMessage, byte[]? KeepAliveMessage)
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

    public static ClientProtocol Parse(string name) => name switch
    {
        "raw" => Raw,
        "signalr-json" => SignalRJson,
        _ => throw new ArgumentException($"Unknown client protocol '{name}'."),
    };
}
