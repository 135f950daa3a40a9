using System.Text;
using System.Text.Unicode;

namespace Orleans.Sente.Bench.LoadGen;

/// <summary>
/// The push-control wire format, one WebSocket text frame each way:
/// driver to system <c>&lt;id&gt; &lt;uid&gt; &lt;payload-json&gt;</c>; system to driver
/// <c>&lt;id&gt;</c> once the push is done, or <c>&lt;id&gt; !&lt;error&gt;</c>.
/// The payload is <c>{"t":&lt;Stopwatch timestamp&gt;,"n":&lt;seq&gt;,"p":"&lt;padding&gt;"}</c>.
/// </summary>
internal static class PushFrame
{
    private const int PayloadOverhead = 44; // {"t":…,"n":…,"p":""} with typical digit counts

    public static int Write(Span<byte> destination, long id, string uid, long timestamp, long seq, int payloadBytes)
    {
        var pad = Math.Max(0, payloadBytes - PayloadOverhead);
        if (!Utf8.TryWrite(destination, $"{id} {uid} {{\"t\":{timestamp},\"n\":{seq},\"p\":\"", out var written))
        {
            throw new ArgumentException("Destination too small.", nameof(destination));
        }

        destination.Slice(written, pad).Fill((byte)'x');
        written += pad;
        "\"}"u8.CopyTo(destination[written..]);
        return written + 2;
    }

    /// <summary>Splits a control frame into its id, uid and payload.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out long id, out string uid, out ReadOnlySpan<byte> payload)
    {
        id = 0;
        uid = "";
        payload = default;
        var first = frame.IndexOf((byte)' ');
        if (first <= 0 || !long.TryParse(frame[..first], out id))
        {
            return false;
        }

        var rest = frame[(first + 1)..];
        var second = rest.IndexOf((byte)' ');
        if (second <= 0)
        {
            return false;
        }

        uid = Encoding.UTF8.GetString(rest[..second]);
        payload = rest[(second + 1)..];
        return true;
    }

    /// <summary>Reads the id of an acknowledgement; <paramref name="failed"/> when it carries an error.</summary>
    public static long ParseAck(ReadOnlySpan<byte> frame, out bool failed)
    {
        var space = frame.IndexOf((byte)' ');
        failed = space >= 0;
        return long.Parse(space >= 0 ? frame[..space] : frame);
    }
}
