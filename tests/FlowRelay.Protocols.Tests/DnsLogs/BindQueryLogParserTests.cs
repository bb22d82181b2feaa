using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.DnsLogs;

public class BindQueryLogParserTests
{
    private static readonly IpAddr Loopback = IpAddr.FromV4(0x7F000001);

    [Fact]
    public void Every_line_bind9_wrote_parses()
    {
        var lines = Lines("bind9-query.log");
        Assert.Equal(24, lines.Length);
        foreach (var l in lines)
        {
            Assert.Equal(DnsLogParseStatus.Ok, BindQueryLogParser.Parse(U8(l), out var r));
            Assert.Equal(Loopback, r.ClientIp);
            Assert.Equal(Loopback, r.Server);
            Assert.Equal("IN", r.QueryClassName);
            Assert.Equal(-1, r.ResponseCode); // BIND's query log never says
        }
    }

    [Fact]
    public void View_line_fields()
    {
        Assert.Equal(DnsLogParseStatus.Ok, BindQueryLogParser.Parse(U8(Lines("bind9-query.log")[0]), out var r));
        Assert.Equal(DnsLogFormat.Bind, r.Format);
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 1, 259_000_000), r.TimestampUnixNs);
        Assert.False(r.TimestampHasZone);
        Assert.Equal(47493, r.ClientPort);
        Assert.Equal("www.lab.test", r.QueryName);
        Assert.Equal((ushort)1, r.QueryType);
        Assert.Equal("A", r.QueryTypeName);
        Assert.Equal((ushort)1, r.QueryClass);
        Assert.Equal("lab", r.View);
        Assert.Equal(DnsQueryFlags.RecursionDesired | DnsQueryFlags.Edns | DnsQueryFlags.Cookie, r.Flags);
    }

    [Fact]
    public void Types_case_flags_and_no_view_as_bind9_logged_them()
    {
        var recs = Lines("bind9-query.log").Select(l => { BindQueryLogParser.Parse(U8(l), out var r); return r; }).ToArray();
        Assert.Equal(("v6.lab.test", (ushort)28, "AAAA"), (recs[1].QueryName, recs[1].QueryType, recs[1].QueryTypeName));
        Assert.Equal(("txt.lab.test", (ushort)16, "TXT"), (recs[2].QueryName, recs[2].QueryType, recs[2].QueryTypeName));
        Assert.Equal("www.lab.test", recs[4].QueryName); // logged as www.LAB.test
        Assert.False(recs[4].Flags.HasFlag(DnsQueryFlags.RecursionDesired)); // dig +norec: "-E(0)K"
        Assert.Equal((ushort)15, recs[5].QueryType);
        Assert.True(recs[5].Flags.HasFlag(DnsQueryFlags.Tcp)); // dig +tcp: "+E(0)TK"
        Assert.Null(recs[7].View);
        Assert.Equal(51549, recs[7].ClientPort);
        Assert.Equal("example.com", recs[6].QueryName);
    }

    [Theory]
    // syslog body without the client pointer (BIND before 9.11), trailing dot, generic type
    [InlineData("client 10.0.0.5#53211 (Example.COM.): query: Example.COM. IN TYPE65534 +SE(0)DC (192.0.2.53)", "example.com", 65534, "TYPE65534")]
    [InlineData("client @0x7f00aa 10.0.0.5#53211 (x.y): query: x.y IN NULL + (192.0.2.53)", "x.y", 10, "NULL")]
    [InlineData("client @0x7f00aa 2001:db8::5#53211 (x.y): view internal: query: x.y CH TXT -V (2001:db8::53)", "x.y", 16, "TXT")]
    public void Hand_made_variants(string line, string name, int type, string typeName)
    {
        Assert.Equal(DnsLogParseStatus.Ok, BindQueryLogParser.Parse(U8(line), out var r));
        Assert.Equal(name, r.QueryName);
        Assert.Equal(type, r.QueryType);
        Assert.Equal(typeName, r.QueryTypeName);
        Assert.Equal(53211, r.ClientPort);
        Assert.Equal(0, r.TimestampUnixNs);
    }

    [Fact]
    public void Flags_and_ipv6()
    {
        BindQueryLogParser.Parse(U8("client 10.0.0.5#1 (a): query: a IN A +SE(0)DC (192.0.2.53)"), out var r);
        Assert.Equal(DnsQueryFlags.RecursionDesired | DnsQueryFlags.Signed | DnsQueryFlags.Edns | DnsQueryFlags.DnssecOk | DnsQueryFlags.CheckingDisabled, r.Flags);
        BindQueryLogParser.Parse(U8("client @0x1 2001:db8::5#53211 (x.y): view internal: query: x.y CH TXT -V (2001:db8::53)"), out r);
        Assert.Equal("2001:db8::5", r.ClientIp.ToString());
        Assert.Equal("2001:db8::53", r.Server.ToString());
        Assert.Equal("internal", r.View);
        Assert.Equal("CH", r.QueryClassName);
        Assert.Equal(DnsQueryFlags.Cookie | DnsQueryFlags.ValidServerCookie, r.Flags);
    }

    [Theory]
    [InlineData("", DnsLogParseStatus.Empty)]
    [InlineData("28-Nov-2026 04:34:25.415 all zones loaded", DnsLogParseStatus.WrongFormat)]
    [InlineData("client @0x1 notanip#5 (a): query: a IN A + (1.2.3.4)", DnsLogParseStatus.Malformed)]
    [InlineData("client @0x1 10.0.0.1#5 (a): query (cache) 'a/A/IN' denied", DnsLogParseStatus.NotAQuery)]
    [InlineData("client @0x1 10.0.0.1#5 (a): query: a", DnsLogParseStatus.Malformed)]
    public void Non_query_and_bad_lines(string line, DnsLogParseStatus expected)
    {
        Assert.Equal(expected, BindQueryLogParser.Parse(U8(line), out _));
    }

    [Fact]
    public void Parsing_allocates_little_more_than_the_name()
    {
        var lines = Lines("bind9-query.log").Select(U8).ToArray();
        foreach (var l in lines) BindQueryLogParser.Parse(l, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
            foreach (var l in lines) BindQueryLogParser.Parse(l, out _);
        long perLine = (GC.GetAllocatedBytesForCurrentThread() - before) / (100 * lines.Length);
        // The query name string (about 50 bytes here) and, on view lines, the view name.
        Assert.True(perLine <= 80, $"{perLine} bytes per line");
    }

    [Fact]
    public void Iso8601_utc_print_time()
    {
        BindQueryLogParser.Parse(U8("2026-11-28T04:36:01.259Z queries: info: client @0x1 10.0.0.1#5 (a): query: a IN A + (1.2.3.4)"), out var r);
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 1, 259_000_000), r.TimestampUnixNs);
        Assert.True(r.TimestampHasZone);
    }
}
