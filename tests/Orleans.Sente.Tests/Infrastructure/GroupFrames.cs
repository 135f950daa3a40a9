using System.Text.Json;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>Reads the pushes of WebSocket frames (JSON packer) as (event id, data text), skipping pings.</summary>
internal static class GroupFrames
{
    /// <summary>The next <paramref name="count"/> pushes, across as many frames as they came in.</summary>
    public static async Task<List<(string Id, string Data)>> ReceivePushesAsync(this TestClient client, int count)
    {
        var pushes = new List<(string, string)>();
        while (pushes.Count < count)
        {
            var frame = await client.ReceiveJsonAsync();
            if (frame.ValueKind == JsonValueKind.Array && frame.GetArrayLength() > 0 && frame[0].ValueKind == JsonValueKind.Array
                && frame[0].GetArrayLength() > 0 && frame[0][0].ValueKind == JsonValueKind.Array)
            {
                foreach (var push in frame[0].EnumerateArray())
                {
                    pushes.Add((push[0].GetString()!, push.GetArrayLength() > 1 ? push[1].ToString() : ""));
                }
            }
        }

        return pushes;
    }

    /// <summary>The reply to a request sent with callback id <paramref name="callback"/>.</summary>
    public static async Task<JsonElement> RequestAsync(this TestClient client, string eventId, string data, string callback)
    {
        await client.SendAsync($$"""[[":{{eventId}}",{{JsonSerializer.Serialize(data)}}],"{{callback}}"]""");
        while (true)
        {
            var frame = await client.ReceiveJsonAsync();
            if (frame.ValueKind == JsonValueKind.Array && frame.GetArrayLength() == 2 && frame[1].ValueKind == JsonValueKind.String && frame[1].GetString() == callback)
            {
                return frame[0];
            }
        }
    }
}
