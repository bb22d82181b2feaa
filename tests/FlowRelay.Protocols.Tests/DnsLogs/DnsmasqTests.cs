using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.DnsLogs;

public class DnsmasqTests
{
    private static List<DnsQueryRecord> Join(string file, DnsmasqQueryJoiner? joiner = null)
    {
        var j = joiner ?? new DnsmasqQueryJoiner();
        var output = new List<DnsQueryRecord>();
        foreach (var l in Lines(file))
        {
            Assert.Equal(DnsLogParseStatus.Ok, DnsmasqLogParser.Parse(U8(l), MadeAt, out var line));
            j.Add(line, MadeAt, output);
        }
        j.Flush(output);
        return output;
    }

    // Answers sorted: dnsmasq logs an RRset in the order the upstream sent it, which varies.
    private static string Summary(DnsQueryRecord r) =>
        $"{r.QueryName} {r.QueryTypeName} {r.ResponseCodeName} [{string.Join(",", (r.Answers ?? []).Order(StringComparer.Ordinal))}] {r.Flags}";

    private static readonly string[] Expected =
    [
        "fixed.lab.test A NOERROR [10.9.9.9] LocalConfig",
        "fixed6.lab.test AAAA NOERROR [fd00::99] LocalConfig",
        "txt.fixed.lab.test TXT NOERROR [<TXT>] LocalConfig",
        "blocked.lab.test A NXDOMAIN [] LocalConfig",
        "www.lab.test A NOERROR [10.1.2.3,10.1.2.4] None",
        "www.lab.test A NOERROR [10.1.2.3,10.1.2.4] Cached",
        "nope.lab.test A NXDOMAIN [] None",
        "v6.lab.test AAAA NOERROR [fd00::1] None",
        "txt.lab.test TXT NOERROR [hello world,second string] None",
        "fixed.lab.test AAAA NOERROR [] None",
    ];

    [Fact]
    public void Extra_log_joins_to_one_record_per_query()
    {
        var j = new DnsmasqQueryJoiner();
        var recs = Join("dnsmasq-extra.log", j);
        Assert.Equal(Expected, recs.Select(Summary));
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (long)i), recs.Select(r => r.Serial));
        Assert.Equal((10L, 0L, 0L, 0), (j.Completed, j.Evicted, j.Orphans, j.Open));
        var www = recs[4];
        Assert.Equal(IpAddr.FromV4(0x7F000001), www.ClientIp);
        Assert.Equal(32818, www.ClientPort);
        Assert.Equal(IpAddr.FromV4(0x7F000001), www.Upstream);
        Assert.Equal(["10.1.2.3", "10.1.2.4"], www.ResolvedIps!.Select(i => i.ToString()));
        Assert.Equal(Ns(2026, 11, 28, 4, 36, 2), www.TimestampUnixNs);
        Assert.Equal("fd00::99", recs[1].ResolvedIps!.Single().ToString());
    }

    [Fact]
    public void Plain_log_joins_by_name()
    {
        var j = new DnsmasqQueryJoiner();
        var recs = Join("dnsmasq.log", j);
        Assert.Equal(Expected, recs.Select(Summary));
        Assert.All(recs, r => Assert.Equal(-1, r.Serial));
        Assert.All(recs, r => Assert.Equal(0, r.ClientPort));
        Assert.All(recs, r => Assert.Equal(IpAddr.FromV4(0x7F000001), r.ClientIp));
        Assert.Equal((10L, 0L), (j.Completed, j.Evicted));
    }

    [Fact]
    public void Line_fields()
    {
        var l = Lines("dnsmasq-extra.log");
        Assert.Equal(DnsLogParseStatus.Ok, DnsmasqLogParser.Parse(U8(l[9]), MadeAt, out var f));
        Assert.Equal(DnsmasqLineKind.Forwarded, f.Kind);
        Assert.Equal(6, f.Serial);
        Assert.Equal("www.lab.test", S(f.Name));
        Assert.Equal("127.0.0.1#5302", S(f.Value));
        Assert.Equal(DnsLogParseStatus.Ok, DnsmasqLogParser.Parse(U8("query[A] a.b from 10.0.0.9"), MadeAt, out f));
        Assert.Equal((DnsmasqLineKind.Query, "A", "10.0.0.9"), (f.Kind, S(f.Type), f.ClientIp.ToString()));
        Assert.Equal(DnsLogParseStatus.Ok, DnsmasqLogParser.Parse(U8("/etc/hosts router.lan is 192.168.1.1"), MadeAt, out f));
        Assert.Equal(DnsmasqLineKind.HostsFile, f.Kind);
        Assert.Equal(DnsLogParseStatus.NotAQuery, DnsmasqLogParser.Parse(U8("Nov 28 04:36:01 dnsmasq[17927]: started, version 2.90 cachesize 150"), MadeAt, out _));
        Assert.Equal(DnsLogParseStatus.Malformed, DnsmasqLogParser.Parse(U8("5 nonsense query[A] a from b"), MadeAt, out _));
    }

    [Fact]
    public void Unanswered_queries_are_evicted_by_age_and_counted()
    {
        var j = new DnsmasqQueryJoiner(maxPending: 100, maxAgeNs: 1_000);
        var output = new List<DnsQueryRecord>();
        Add(j, "1 10.0.0.1/5 query[A] a.test from 10.0.0.1", 0, output);
        Add(j, "1 10.0.0.1/5 forwarded a.test to 10.0.0.53", 10, output);
        Assert.Empty(output);
        j.Expire(2_000, output);
        var r = Assert.Single(output);
        Assert.Equal(-1, r.ResponseCode);
        Assert.Equal(1, j.Evicted);
        Add(j, "1 10.0.0.1/5 reply a.test is 1.2.3.4", 2_100, output);
        Assert.Equal(1, j.Orphans);
        Assert.Single(output);
    }

    [Fact]
    public void The_open_bound_evicts_the_oldest()
    {
        var j = new DnsmasqQueryJoiner(maxPending: 3);
        var output = new List<DnsQueryRecord>();
        for (int i = 1; i <= 10; i++) Add(j, $"{i} 10.0.0.1/5 query[A] q{i}.test from 10.0.0.1", i, output);
        Assert.Equal(3, j.Open);
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"q{i}.test"), output.Select(r => r.QueryName));
        Assert.Equal(7, j.Evicted);
    }

    [Fact]
    public void Answers_are_bounded()
    {
        var j = new DnsmasqQueryJoiner();
        var output = new List<DnsQueryRecord>();
        Add(j, "1 10.0.0.1/5 query[A] many.test from 10.0.0.1", 0, output);
        for (int i = 0; i < 40; i++) Add(j, $"1 10.0.0.1/5 reply many.test is 10.0.0.{i}", 0, output);
        j.Flush(output);
        var r = Assert.Single(output);
        Assert.Equal(DnsQueryRecord.MaxAnswers, r.Answers!.Count);
        Assert.Equal(40 - DnsQueryRecord.MaxAnswers, r.AnswersDropped);
    }

    private static void Add(DnsmasqQueryJoiner j, string line, long now, List<DnsQueryRecord> output)
    {
        Assert.Equal(DnsLogParseStatus.Ok, DnsmasqLogParser.Parse(U8(line), now, out var l));
        j.Add(l, now, output);
    }

    [Fact]
    public void A_name_containing_dnsmasq_is_not_taken_for_the_tag()
    {
        Assert.Equal(DnsLogParseStatus.Ok, DnsmasqLogParser.Parse(U8("query[A] dnsmasq.example from 10.0.0.1"), MadeAt, out var l));
        Assert.Equal("dnsmasq.example", S(l.Name));
        Assert.Equal(DnsLogParseStatus.Ok, DnsmasqLogParser.Parse(U8("Nov 28 04:36:01 dnsmasq[1]: query[A] dnsmasq.example from 10.0.0.1"), MadeAt, out l));
        Assert.Equal("dnsmasq.example", S(l.Name));
        Assert.Equal(DnsLogParseStatus.NotAQuery, DnsmasqLogParser.Parse(U8("Nov 28 04:36:01 dnsmasq-dhcp[1]: DHCPACK(eth0) 10.0.0.5 aa:bb:cc:dd:ee:ff host"), MadeAt, out _));
    }
}
