using System.Text;
using Orleans.Sente.Bench.LoadGen;

namespace Orleans.Sente.Bench.Tests;

public sealed class TimestampScannerTests
{
    private static List<long> Scan(params string[] chunks)
    {
        var found = new List<long>();
        var scanner = default(TimestampScanner);
        foreach (var chunk in chunks)
        {
            scanner.Feed(Encoding.UTF8.GetBytes(chunk), found.Add);
        }

        scanner.EndOfMessage(found.Add);
        return found;
    }

    [Fact]
    public void Finds_the_timestamp_in_a_SignalR_invocation_but_not_in_type()
    {
        Assert.Equal([123456789L], Scan("{\"type\":1,\"target\":\"push\",\"arguments\":[{\"t\":123456789,\"n\":1,\"p\":\"xx\"}]}\u001e"));
    }

    [Fact]
    public void Counts_every_event_of_a_batch()
    {
        Assert.Equal([1L, 22L, 333L], Scan("[[[\"bench/push\",{\"t\":1}],[\"bench/push\",{\"t\":22}],[\"bench/push\",{\"t\":333}]],null]"));
    }

    [Fact]
    public void Finds_a_timestamp_split_across_chunks_anywhere()
    {
        const string message = "{\"t\":987654321,\"n\":7}";
        for (var cut = 0; cut <= message.Length; cut++)
        {
            Assert.Equal([987654321L], Scan(message[..cut], message[cut..]));
        }
    }

    [Fact]
    public void A_number_ending_the_message_counts_and_pings_count_nothing()
    {
        Assert.Equal([42L], Scan("\"t\":42"));
        Assert.Empty(Scan("{\"type\":6}\u001e"));
        Assert.Empty(Scan("{}\u001e"));
        Assert.Empty(Scan("{\"t\":\"text\"}"));
    }
}
