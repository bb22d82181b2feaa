using FlowRelay.Protocols.DnsLogs;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.DnsLogs;

// Zeek is not packaged for this Debian release, so these lines are written after Zeek's
// DNS::Info record (base/protocols/dns/main.zeek) and its default TSV/JSON writers.
public class ZeekDnsTests
{
    private const string Json =
        "{\"ts\":1795840562.123456,\"uid\":\"CHhAvVGS1DHFjwGM9\",\"id.orig_h\":\"192.168.4.76\",\"id.orig_p\":36844,\"id.resp_h\":\"192.168.4.1\",\"id.resp_p\":53," +
        "\"proto\":\"udp\",\"trans_id\":59205,\"rtt\":0.023,\"query\":\"Www.Example.COM\",\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":28,\"qtype_name\":\"AAAA\"," +
        "\"rcode\":0,\"rcode_name\":\"NOERROR\",\"AA\":false,\"TC\":false,\"RD\":true,\"RA\":true,\"Z\":0,\"answers\":[\"www.example.com.cdn.net\",\"2001:db8::1\"],\"TTLs\":[300.0,60.0],\"rejected\":false}";

    private static readonly string[] Tsv =
    [
        "#separator \\x09",
        "#set_separator\t,",
        "#empty_field\t(empty)",
        "#unset_field\t-",
        "#path\tdns",
        "#open\t2026-11-28-04-36-02",
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected",
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool",
        "1795840562.123456\tCHhAvVGS1DHFjwGM9\t192.168.4.76\t36844\t192.168.4.1\t53\tudp\t59205\t0.023000\twww.example.com\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t93.184.216.34,93.184.216.35\t60.000000,60.000000\tF",
        "1795840563.000000\tC2\t192.168.4.76\t36845\t192.168.4.1\t53\tudp\t1\t-\tx7f3a.tunnel.example\t1\tC_INTERNET\t10\tNULL\t3\tNXDOMAIN\tF\tF\tT\tF\t0\t-\t-\tF",
        "#close\t2026-11-28-05-00-00",
    ];

    [Fact]
    public void Json_line()
    {
        Assert.Equal(DnsLogParseStatus.Ok, ZeekDnsJsonParser.Parse(U8(Json), out var r));
        Assert.Equal(DnsLogFormat.ZeekJson, r.Format);
        Assert.Equal(1795840562_123_456_000L, r.TimestampUnixNs);
        Assert.Equal("CHhAvVGS1DHFjwGM9", r.Uid);
        Assert.Equal(("192.168.4.76", 36844, "192.168.4.1", 53), (r.ClientIp.ToString(), (int)r.ClientPort, r.Server.ToString(), (int)r.ServerPort));
        Assert.Equal(("udp", 59205, 23_000_000L), (r.Transport, r.QueryId, r.DurationNs));
        Assert.Equal(("www.example.com", 28, "AAAA", "IN"), (r.QueryName, (int)r.QueryType, r.QueryTypeName, r.QueryClassName));
        Assert.Equal("NOERROR", r.ResponseCodeName);
        Assert.Equal(DnsQueryFlags.RecursionDesired | DnsQueryFlags.RecursionAvailable, r.Flags);
        Assert.Equal(["www.example.com.cdn.net", "2001:db8::1"], r.Answers);
        Assert.Equal("2001:db8::1", r.ResolvedIps!.Single().ToString());
    }

    [Theory]
    [InlineData("{\"ts\":1,")]
    [InlineData("{\"query\":\"a\" \"x\"}")]
    [InlineData("{}")]
    [InlineData("{\"ts\":[[[[[[[[[[[[1]]]]]]]]]]]}")]
    public void Bad_json_is_a_status(string line)
    {
        Assert.NotEqual(DnsLogParseStatus.Ok, ZeekDnsJsonParser.Parse(U8(line), out _));
    }

    [Fact]
    public void Tsv_with_header()
    {
        var reader = new ZeekDnsTsvReader();
        var recs = new List<DnsQueryRecord>();
        foreach (var l in Tsv)
        {
            var s = reader.Read(U8(l), out var r);
            if (l.StartsWith('#')) Assert.Equal(DnsLogParseStatus.NotAQuery, s);
            else
            {
                Assert.Equal(DnsLogParseStatus.Ok, s);
                recs.Add(r);
            }
        }
        Assert.Equal(24, reader.Fields.Count);
        Assert.Equal(2, recs.Count);
        Assert.Equal(("www.example.com", "A", "NOERROR", 23_000_000L), (recs[0].QueryName, recs[0].QueryTypeName, recs[0].ResponseCodeName, recs[0].DurationNs));
        Assert.Equal(["93.184.216.34", "93.184.216.35"], recs[0].Answers);
        Assert.Equal(2, recs[0].ResolvedIps!.Count);
        Assert.Equal(("x7f3a.tunnel.example", 10, "NULL", 3, -1L), (recs[1].QueryName, (int)recs[1].QueryType, recs[1].QueryTypeName, recs[1].ResponseCode, recs[1].DurationNs));
        Assert.Null(recs[1].Answers);
    }

    [Fact]
    public void Tsv_data_before_header_or_short_is_malformed()
    {
        var reader = new ZeekDnsTsvReader();
        Assert.Equal(DnsLogParseStatus.Malformed, reader.Read(U8(Tsv[8]), out _));
        reader.Read(U8(Tsv[6]), out _);
        Assert.Equal(DnsLogParseStatus.Malformed, reader.Read(U8("1\tC\t1.2.3.4"), out _));
    }

    [Fact]
    public void Detector_names_each_format()
    {
        Assert.All(Lines("bind9-query.log"), l => Assert.Equal(DnsLogFormat.Bind, DnsLogFormatDetector.Detect(U8(l))));
        Assert.All(Lines("dnsmasq.log"), l => Assert.Equal(DnsLogFormat.Dnsmasq, DnsLogFormatDetector.Detect(U8(l))));
        Assert.All(Lines("dnsmasq-extra.log"), l => Assert.Equal(DnsLogFormat.Dnsmasq, DnsLogFormatDetector.Detect(U8(l))));
        Assert.All(Lines("unbound.log"), l => Assert.Equal(DnsLogFormat.Unbound, DnsLogFormatDetector.Detect(U8(l))));
        Assert.Equal(DnsLogFormat.ZeekJson, DnsLogFormatDetector.Detect(U8(Json)));
        Assert.Equal(DnsLogFormat.ZeekTsv, DnsLogFormatDetector.Detect(U8(Tsv[0])));
        Assert.Equal(DnsLogFormat.ZeekTsv, DnsLogFormatDetector.Detect(U8(Tsv[8])));
        // Syslog bodies, program name already stripped by the syslog parser.
        Assert.Equal(DnsLogFormat.Bind, DnsLogFormatDetector.Detect(U8("client @0x7f00aa 10.0.0.5#53211 (example.com): query: example.com IN A +E(0)K (127.0.0.1)")));
        Assert.Equal(DnsLogFormat.Dnsmasq, DnsLogFormatDetector.Detect(U8("7 127.0.0.1/35980 cached www.lab.test is 10.1.2.3")));
        Assert.Equal(DnsLogFormat.Unbound, DnsLogFormatDetector.Detect(U8("[17930:0] info: 127.0.0.1 www.lab.test. A IN NOERROR 0.000000 1 73")));
        Assert.Equal(DnsLogFormat.Unknown, DnsLogFormatDetector.Detect(U8("hello world")));
    }

    [Theory]
    [InlineData("bind9", DnsLogFormat.Bind)]
    [InlineData("Dnsmasq", DnsLogFormat.Dnsmasq)]
    [InlineData("unbound", DnsLogFormat.Unbound)]
    [InlineData("zeek-json", DnsLogFormat.ZeekJson)]
    [InlineData("zeek", DnsLogFormat.ZeekTsv)]
    [InlineData("auto", DnsLogFormat.Unknown)]
    public void Format_names(string name, DnsLogFormat expected)
    {
        Assert.True(DnsLogFormatDetector.TryParseName(name, out var f));
        Assert.Equal(expected, f);
        Assert.False(DnsLogFormatDetector.TryParseName("powerdns", out _));
    }

    [Fact]
    public void Reader_over_each_sample_gives_one_record_per_query()
    {
        foreach (var (file, expected) in new[] { ("bind9-query.log", 24), ("dnsmasq.log", 10), ("dnsmasq-extra.log", 10), ("unbound.log", 6) })
        {
            var reader = new DnsLogReader();
            var output = new List<DnsQueryRecord>();
            // Unbound's query lines give NotAQuery once its reply lines show log-replies is on.
            foreach (var l in Lines(file)) Assert.Contains(reader.Read(U8(l), MadeAt, output), new[] { DnsLogParseStatus.Ok, DnsLogParseStatus.NotAQuery });
            reader.Flush(output);
            Assert.Equal(expected, output.Count);
        }
    }
}
