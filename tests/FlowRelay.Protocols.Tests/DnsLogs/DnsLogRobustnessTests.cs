using CsCheck;
using FlowRelay.Protocols.DnsLogs;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.DnsLogs;

public class DnsLogRobustnessTests
{
    private const int Iterations = 20_000;

    private static byte[][] Corpus() =>
    [
        .. new[] { "bind9-query.log", "dnsmasq.log", "dnsmasq-extra.log", "unbound.log" }.SelectMany(f => Lines(f).Take(6)).Select(U8),
        U8("{\"ts\":1795840562.1,\"id.orig_h\":\"10.0.0.1\",\"query\":\"a.b\",\"qtype_name\":\"A\",\"rcode\":3,\"answers\":[\"1.2.3.4\"],\"AA\":true}"),
        U8("1795840562.1\tC\t10.0.0.1\t5\t10.0.0.2\t53\tudp\t1\t0.1\ta.b\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t1.2.3.4,5.6.7.8\t1,1\tF"),
    ];

    private static readonly byte[][] TsvHeader =
    [
        U8("#separator \\x09"),
        U8("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected"),
    ];

    private static void ParseAll(ReadOnlySpan<byte> b, DnsLogReader[] readers, List<DnsQueryRecord> output)
    {
        BindQueryLogParser.Parse(b, out _);
        DnsmasqLogParser.Parse(b, MadeAt, out _);
        UnboundLogParser.Parse(b, MadeAt, out _, out _);
        ZeekDnsJsonParser.Parse(b, out _);
        DnsLogFormatDetector.Detect(b);
        foreach (var r in readers) r.Read(b, MadeAt, output);
        output.Clear();
    }

    private static DnsLogReader[] Readers()
    {
        var readers = new[] { DnsLogFormat.Unknown, DnsLogFormat.Bind, DnsLogFormat.Dnsmasq, DnsLogFormat.Unbound, DnsLogFormat.ZeekJson, DnsLogFormat.ZeekTsv }
            .Select(f => new DnsLogReader(f, new DnsmasqQueryJoiner(maxPending: 50, maxAgeNs: 1_000_000_000))).ToArray();
        foreach (var h in TsvHeader) readers[^1].Read(h, MadeAt, new List<DnsQueryRecord>());
        return readers;
    }

    [Fact]
    public void Mutated_lines_never_throw()
    {
        var corpus = Corpus();
        var readers = Readers();
        var output = new List<DnsQueryRecord>();
        Gen.Select(Gen.Int[0, corpus.Length - 1], Gen.Int[0, 300], Gen.Select(Gen.Int[0, 300], Gen.Byte).Array[1, 8])
            .Sample(t =>
            {
                var (which, cut, mutations) = t;
                var line = (byte[])corpus[which].Clone();
                foreach (var (pos, value) in mutations)
                    if (pos < line.Length) line[pos] = value;
                ParseAll(line.AsSpan(0, Math.Min(cut, line.Length)), readers, output);
            }, iter: Iterations, threads: 1);
        Assert.True(readers[2].Joiner.Open <= 50);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var readers = Readers();
        var output = new List<DnsQueryRecord>();
        Gen.Byte.Array[0, 300].Sample(b => ParseAll(b, readers, output), iter: Iterations, threads: 1);
    }
}
