using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.DnsLogs;

public class UnboundLogParserTests
{
    [Fact]
    public void Query_and_reply_lines_as_unbound_wrote_them()
    {
        var l = Lines("unbound.log");
        Assert.Equal(12, l.Length);
        Assert.Equal(DnsLogParseStatus.Ok, UnboundLogParser.Parse(U8(l[0]), MadeAt, out var q, out bool reply));
        Assert.False(reply);
        Assert.Equal(("www.lab.test", "A", "IN", -1), (q.QueryName, q.QueryTypeName, q.QueryClassName, q.ResponseCode));
        Assert.Equal(IpAddr.FromV4(0x7F000001), q.ClientIp);
        Assert.Equal(1795840562L * 1_000_000_000, q.TimestampUnixNs);
        Assert.True(q.TimestampHasZone);

        Assert.Equal(DnsLogParseStatus.Ok, UnboundLogParser.Parse(U8(l[1]), MadeAt, out var r, out reply));
        Assert.True(reply);
        Assert.Equal(("NOERROR", 0L, 73), (r.ResponseCodeName, r.DurationNs, r.ResponseBytes));
        Assert.True(r.Flags.HasFlag(DnsQueryFlags.Cached));

        UnboundLogParser.Parse(U8(l[7]), MadeAt, out r, out _);
        Assert.Equal(("nope.lab.test", 3, "NXDOMAIN", 42), (r.QueryName, r.ResponseCode, r.ResponseCodeName, r.ResponseBytes));
    }

    [Fact]
    public void Reader_keeps_one_record_per_query()
    {
        var reader = new DnsLogReader();
        var output = new List<DnsQueryRecord>();
        foreach (var l in Lines("unbound.log")) reader.Read(U8(l), MadeAt, output);
        reader.Flush(output);
        Assert.Equal(DnsLogFormat.Unbound, reader.Format);
        Assert.Equal(
            ["www.lab.test A NOERROR", "v6.lab.test AAAA NOERROR", "txt.lab.test TXT NOERROR", "nope.lab.test A NXDOMAIN", "www.lab.test A NOERROR", "v6.lab.test A NOERROR"],
            output.Select(r => $"{r.QueryName} {r.QueryTypeName} {r.ResponseCodeName}"));
    }

    [Fact]
    public void Queries_only_are_each_kept()
    {
        var reader = new DnsLogReader(DnsLogFormat.Unbound);
        var output = new List<DnsQueryRecord>();
        foreach (var l in Lines("unbound.log").Where((_, i) => i % 2 == 0)) reader.Read(U8(l), MadeAt, output);
        reader.Flush(output);
        Assert.Equal(6, output.Count);
        Assert.All(output, r => Assert.Equal(-1, r.ResponseCode));
    }

    [Theory]
    [InlineData("[14789:0] info: 10.1.1.1@41234 Example.org. AAAA IN SERVFAIL 1.250000 0 30", "example.org", 2, 1_250_000_000L)]
    [InlineData("Nov 28 04:36:02 unbound[1:0] info: ::1 t.co. TXT IN NOERROR 0.000100 0 60", "t.co", 0, 100_000L)]
    public void Syslog_body_ascii_time_and_port(string line, string name, int rcode, long duration)
    {
        Assert.Equal(DnsLogParseStatus.Ok, UnboundLogParser.Parse(U8(line), MadeAt, out var r, out _));
        Assert.Equal((name, rcode, duration), (r.QueryName, r.ResponseCode, r.DurationNs));
    }

    [Theory]
    [InlineData("[1795840562] unbound[1:0] notice: init module 0: iterator")]
    [InlineData("[1795840562] unbound[1:0] info: start of service (unbound 1.17.1).")]
    public void Service_lines_are_not_queries(string line)
    {
        Assert.Equal(DnsLogParseStatus.NotAQuery, UnboundLogParser.Parse(U8(line), MadeAt, out _, out _));
    }
}
