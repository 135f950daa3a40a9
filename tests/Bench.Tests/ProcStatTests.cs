using Orleans.Sente.Bench.Processes;

namespace Orleans.Sente.Bench.Tests;

public sealed class ProcStatTests
{
    [Fact]
    public void Cpu_ticks_are_utime_plus_stime_even_when_the_name_has_spaces_and_parentheses()
    {
        const string stat = "4242 (dotnet (my app)) S 1 4242 4242 0 -1 4194560 123 0 0 0 1500 250 0 0 20 0 12 0 5000 1000000 3000 18446744073709551615";
        Assert.Equal(1750, ProcStat.ParseCpuTicks(stat));
    }

    [Fact]
    public void Rss_is_read_from_the_VmRSS_line_in_bytes()
    {
        const string status = "Name:\tdotnet\nVmPeak:\t  999 kB\nVmRSS:\t   51200 kB\nThreads:\t12\n";
        Assert.Equal(51200L * 1024, ProcStat.ParseRssBytes(status));
    }

    [Fact]
    public void Malformed_input_is_a_format_error()
    {
        Assert.Throws<FormatException>(() => ProcStat.ParseRssBytes("Name:\tx\n"));
        Assert.Throws<FormatException>(() => ProcStat.ParseCpuTicks("no parenthesis"));
    }

    [Fact]
    public void The_current_process_can_be_sampled()
    {
        var sample = ProcStat.TryRead(Environment.ProcessId);
        Assert.NotNull(sample);
        Assert.True(sample.Value.RssBytes > 1024 * 1024);
        Assert.True(sample.Value.CpuTicks >= 0);
    }
}
