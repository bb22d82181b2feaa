using FlowRelay.Protocols.Syslog;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.Syslog;

public class SyslogFrameDecoderTests
{
    private struct Collect : ISyslogFrameSink
    {
        public List<(string Text, bool Truncated)> Frames;

        public void OnFrame(ReadOnlySpan<byte> frame, bool truncated) => Frames.Add((S(frame), truncated));
    }

    private static (List<(string Text, bool Truncated)> Frames, SyslogFrameDecoder Decoder, bool Ok) Run(byte[] stream, int maxSize, int chunk)
    {
        var d = new SyslogFrameDecoder(maxSize);
        var sink = new Collect { Frames = new() };
        bool ok = true;
        for (int i = 0; i < stream.Length && ok; i += chunk)
            ok = d.Feed(stream.AsSpan(i, Math.Min(chunk, stream.Length - i)), ref sink);
        ok &= d.Complete(ref sink);
        return (sink.Frames, d, ok);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Logger_octet_counted_stream_gives_its_three_messages_at_any_chunking(int chunk)
    {
        var (frames, d, ok) = Run(Bytes("syslog-octet.bin"), 2048, chunk);
        Assert.True(ok);
        Assert.Equal(SyslogFraming.OctetCounting, d.Framing);
        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.False(f.Truncated));
        Assert.StartsWith("<164>1 2026-11-28T04:36:03.457761+00:00 vm myapp - ID47 [timeQuality", frames[0].Text);
        Assert.EndsWith("An application event with \"quotes\"", frames[0].Text);
        Assert.Equal("<34>1 2026-11-28T04:36:03.466050+00:00 vm su - - - 'su root' failed for lonvick on /dev/pts/8", frames[1].Text);
        Assert.StartsWith("<30>Nov 28 04:36:03 vm named[", frames[2].Text);
        foreach (var f in frames) Assert.Equal(SyslogParseStatus.Ok, SyslogParser.Parse(U8(f.Text), MadeAt, out _));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(4096)]
    public void Logger_newline_stream_gives_its_three_messages(int chunk)
    {
        var (frames, d, ok) = Run(Bytes("syslog-lf.log"), 2048, chunk);
        Assert.True(ok);
        Assert.Equal(SyslogFraming.NonTransparent, d.Framing);
        Assert.Equal(Lines("syslog-lf.log"), frames.Select(f => f.Text));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public void Octet_counted_message_over_the_cap_is_cut_flagged_and_the_stream_continues(int chunk)
    {
        var big = new string('x', 100);
        var stream = U8($"105 <13>{big} 6 <13>ok");
        var (frames, d, ok) = Run(stream, 16, chunk);
        Assert.True(ok);
        Assert.Equal([("<13>" + new string('x', 12), true), ("<13>ok", false)], frames);
        Assert.Equal(1, d.Truncated);
        Assert.Equal(2, d.Frames);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(1000)]
    public void Newline_message_over_the_cap_is_cut_and_the_rest_skipped(int chunk)
    {
        var stream = U8("<13>" + new string('y', 50) + "\n<13>short\r\n\n<13>last-without-newline");
        var (frames, _, ok) = Run(stream, 16, chunk);
        Assert.True(ok);
        Assert.Equal([("<13>" + new string('y', 12), true), ("<13>short", false), ("<13>last-without", true)], frames);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public void Newline_message_of_exactly_the_cap_is_not_flagged(int chunk)
    {
        var (frames, _, ok) = Run(U8("<13>" + new string('z', 12) + "\n<13>next\n"), 16, chunk);
        Assert.True(ok);
        Assert.Equal([("<13>" + new string('z', 12), false), ("<13>next", false)], frames);
    }

    [Theory]
    [InlineData("12x <13>abc")]
    [InlineData("5 <13>a0 <13>abc")]
    [InlineData("1234567890 <13>abc")]
    public void Bad_octet_count_breaks_the_stream(string text)
    {
        var (frames, d, ok) = Run(U8(text), 64, 1);
        Assert.False(ok);
        Assert.True(d.Broken);
        Assert.True(frames.Count <= 1);
    }

    [Fact]
    public void Stream_ending_inside_an_octet_counted_frame_is_reported()
    {
        var (frames, _, ok) = Run(U8("10 <13>abc"), 64, 3);
        Assert.False(ok);
        Assert.Empty(frames);
    }

    [Fact]
    public void Memory_is_bounded_whatever_the_sender_claims()
    {
        var d = new SyslogFrameDecoder(32);
        var sink = new Collect { Frames = new() };
        Assert.True(d.Feed(U8("999999999 "), ref sink));
        var junk = new byte[1 << 20];
        for (int i = 0; i < 100; i++) Assert.True(d.Feed(junk, ref sink));
        Assert.Single(sink.Frames);
        Assert.True(sink.Frames[0].Truncated);
    }
}
