using System.Globalization;
using System.Text;
using FlowRelay.Engine.Ecs;

namespace FlowRelay.Engine.Tests.Ecs;

public class Iso8601Tests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(951_782_400_000L)] // 2000-02-29, a leap day of a century year
    [InlineData(4_107_542_399_999L)] // 2100-02-28T23:59:59.999
    [InlineData(1_795_840_293_314L)]
    [InlineData(9_223_372_036_853L)] // 2262-04-11, the last millisecond Unix nanoseconds in a long reach
    public void Matches_DateTime_formatting_at_known_edges(long unixMs) => Check(unixMs * 1_000_000 + 999_999);

    [Fact]
    public void Matches_DateTime_formatting_over_random_times()
    {
        var random = new Random(11);
        for (int i = 0; i < 200_000; i++) Check(random.NextInt64(0, long.MaxValue));
    }

    [Fact]
    public void Refuses_what_it_cannot_write()
    {
        Span<byte> buf = stackalloc byte[Iso8601.Length];
        Assert.False(Iso8601.TryFormatUtcMillis(-1, buf));
        Assert.False(Iso8601.TryFormatUtcMillis(0, buf[..23]));
    }

    private static void Check(long unixNs)
    {
        Span<byte> buf = stackalloc byte[Iso8601.Length];
        Assert.True(Iso8601.TryFormatUtcMillis(unixNs, buf));
        string expected = DateTime.UnixEpoch.AddTicks(unixNs / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(expected, Encoding.ASCII.GetString(buf));
    }
}
