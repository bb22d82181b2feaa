using FlowRelay.Config;
using Xunit;

namespace FlowRelay.Tests.Config;

public class DurationAndSizeTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("250ms", 250)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1.5s", 1500)]
    public void Durations_parse(string text, long ms)
    {
        Assert.True(Duration.TryParse(text, out var d));
        Assert.Equal(ms, (long)d.Value.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("s")]
    [InlineData("5 fortnights")]
    [InlineData("-5s")]
    public void Bad_durations_fail(string text) => Assert.False(Duration.TryParse(text, out _));

    [Theory]
    [InlineData("90s", "1m30s")]
    [InlineData("60s", "1m")]
    [InlineData("1500ms", "1s500ms")]
    public void Durations_print_shortest(string text, string printed) => Assert.Equal(printed, Duration.Parse(text).ToString());

    [Theory]
    [InlineData("100MiB", 100L << 20)]
    [InlineData("64KiB", 64L << 10)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("100MB", 100_000_000L)]
    [InlineData("512", 512L)]
    [InlineData("512B", 512L)]
    public void Sizes_parse(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var b));
        Assert.Equal(bytes, b.Bytes);
        Assert.Equal(bytes, ByteSize.Parse(b.ToString()).Bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("12 parsecs")]
    [InlineData("0.5B")]
    public void Bad_sizes_fail(string text) => Assert.False(ByteSize.TryParse(text, out _));
}
