using CsCheck;
using FlowRelay.Protocols.Syslog;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.Syslog;

public class SyslogRobustnessTests
{
    private const int Iterations = 20_000;

    private struct Count : ISyslogFrameSink
    {
        public int Frames;
        public int MaxLength;

        public void OnFrame(ReadOnlySpan<byte> frame, bool truncated)
        {
            Frames++;
            MaxLength = Math.Max(MaxLength, frame.Length);
        }
    }

    internal static byte[][] Corpus() =>
    [
        .. Lines("syslog-lf.log").Select(U8),
        U8("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut=\"3\" a=\"x\\]y\"][p@1 class=\"high\"] \uFEFFmsg"),
        U8("<13>Nov  8 2025 04:36:04.250: fw1 postfix/smtpd[1234]: connect"),
        U8("<30>2026-11-28T05:36:04.123456+01:00 dns1 named[881]: client"),
    ];

    private static void ParseAll(ReadOnlySpan<byte> b)
    {
        if (SyslogParser.Parse(b, MadeAt, out var m) == SyslogParseStatus.Ok)
        {
            var r = new StructuredDataReader(m.StructuredData);
            Span<byte> buf = stackalloc byte[64];
            while (r.MoveNextElement())
                while (r.MoveNextParam()) StructuredDataReader.Unescape(r.RawValue, buf);
        }
        SyslogParser.Parse(b, long.MinValue / 2, new SyslogParserOptions { AssumedOffsetMinutes = -720 }, out _);
        var any = new StructuredDataReader(b);
        while (any.MoveNextElement())
            while (any.MoveNextParam()) { }
    }

    [Fact]
    public void Mutated_messages_never_throw()
    {
        var corpus = Corpus();
        Gen.Select(Gen.Int[0, corpus.Length - 1], Gen.Int[0, 300], Gen.Select(Gen.Int[0, 300], Gen.Byte).Array[1, 8])
            .Sample(t =>
            {
                var (which, cut, mutations) = t;
                var msg = (byte[])corpus[which].Clone();
                foreach (var (pos, value) in mutations)
                    if (pos < msg.Length) msg[pos] = value;
                ParseAll(msg.AsSpan(0, Math.Min(cut, msg.Length)));
            }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Random_bytes_never_throw_and_frames_stay_bounded()
    {
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Int[1, 40]).Sample(t =>
        {
            var (bytes, chunk) = t;
            ParseAll(bytes);
            var d = new SyslogFrameDecoder(64);
            var sink = new Count();
            for (int i = 0; i < bytes.Length; i += chunk)
                if (!d.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i)), ref sink)) break;
            d.Complete(ref sink);
            Assert.True(sink.MaxLength <= 64);
        }, iter: Iterations, threads: 1);
    }
}
