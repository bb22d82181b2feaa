using System.Net;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules;
using FlowRelay.Engine.Rules.Loading;
using FlowRelay.Engine.Tests.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>
/// Rules over DNS queries (logsource network/dns): the engine evaluates them next to flow rules,
/// and the bundled DNS rules raise what they say (tunnels, DGA bursts, watched domains, resolver
/// policy) and stay quiet on ordinary lookups.
/// </summary>
public class DnsRuleTests
{
    private static PublicSuffixList Psl => PublicSuffixListTests.SystemList.Value;

    internal static DnsEvent Query(string client, string name, long timeNs, string type = "A", string rcode = "NOERROR")
    {
        var r = DnsQueryRecord.Empty();
        r.ClientIp = IpAddr.From(IPAddress.Parse(client));
        r.ClientPort = 53000;
        r.QueryName = name;
        r.QueryTypeName = type;
        r.QueryClassName = "IN";
        r.ResponseCodeName = rcode;
        r.Server = IpAddr.From(IPAddress.Parse("10.0.0.53"));
        r.TimestampUnixNs = timeNs;
        r.TimestampHasZone = true;
        return DnsEvent.Create(r, 0, false, timeNs, Psl);
    }

    private static int Run(RuleEngine engine, params DnsEvent[] events) => engine.Evaluate(events);

    private static int Run(RuleEngine engine, params FlowEvent[] events) => engine.Evaluate(events);

    private static (RuleEngine Engine, CollectingSink Sink) Bundled()
    {
        var r = RuleLoader.LoadDirectory(BundledRules);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        return RuleTestKit.Engine(r.RuleSet!);
    }

    // Base32 payload-like labels, as iodine and dns2tcp put data in names.
    private static string Chunk(int i, int length = 56)
    {
        var bytes = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i));
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var c = new char[length];
        for (int k = 0; k < length; k++) c[k] = alphabet[(bytes[k % 32] + k * 7) & 31];
        return new string(c);
    }

    [Fact]
    public void A_dns_detection_rule_alerts_with_the_query_fields()
    {
        var set = Load(("dns.yml", "title: sigmahq lookup\nid: r1\nlogsource: {category: network, service: dns}\ndetection:\n  sel:\n    dns.question.registered_domain: sigmahq.io\n  condition: sel\nlevel: high\n"));
        var (engine, sink) = RuleTestKit.Engine(set);
        Assert.Equal(0, Run(engine, Query("10.1.2.3", "www.example.com", Sec(0))));
        Assert.Equal(1, Run(engine, Query("10.1.2.3", "blog.sigmahq.io", Sec(1))));
        var alert = Assert.Single(sink.Alerts);
        Assert.Equal("detection", alert.Kind);
        Assert.Equal("10.1.2.3", alert.Host);
        Assert.Equal(Sec(1), alert.TimeNs);
        var fields = alert.Fields.ToDictionary(f => f.Key, f => f.Value);
        Assert.Equal("blog.sigmahq.io", fields["dns.question.name"]);
        Assert.Equal("sigmahq.io", fields["dns.question.registered_domain"]);
        Assert.Equal("A", fields["dns.question.type"]);
        Assert.Equal("10.0.0.53", fields["server.ip"]);
        Assert.Equal(["blog.sigmahq.io A"], alert.Sample);
        Assert.Equal(2, engine.EventsEvaluated);
        Assert.Equal(2, engine.DnsEventsEvaluated);
    }

    [Fact]
    public void Flow_rules_do_not_see_dns_events_and_dns_rules_do_not_see_flows()
    {
        var set = Load(
            ("f.yml", "title: any flow\nid: f\nlogsource: {category: network, service: connection}\ndetection:\n  sel:\n    source.ip|cidr: 0.0.0.0/0\n  condition: sel\n"),
            ("d.yml", "title: any query\nid: d\nlogsource: {category: network, service: dns}\ndetection:\n  sel:\n    source.ip|cidr: 0.0.0.0/0\n  condition: sel\n"));
        var (engine, sink) = RuleTestKit.Engine(set);
        Run(engine, Flow("10.0.0.1", "93.184.216.34", 100, Sec(0)));
        Run(engine, Query("10.0.0.1", "www.example.com", Sec(1)), Query("10.0.0.2", "www.example.org", Sec(2)));
        Assert.Single(sink.Of("f"));
        Assert.Equal(2, sink.Of("d").Count);
    }

    [Fact]
    public void A_temporal_correlation_joins_a_lookup_and_a_connection_of_the_same_host()
    {
        var set = Load(
            ("d.yml", "title: lookup\nname: lookup\nlogsource: {category: network, service: dns}\ndetection:\n  sel:\n    dns.question.registered_domain: pastebin.com\n  condition: sel\n"),
            ("f.yml", "title: big upload\nname: upload\nlogsource: {category: network, service: connection}\ndetection:\n  sel:\n    source.bytes|gt: 1000000\n  condition: sel\n"),
            ("c.yml", "title: lookup then upload\nid: c\ncorrelation:\n  type: temporal_ordered\n  rules: [lookup, upload]\n  group-by: [source.ip]\n  timespan: 2m\n"));
        var (engine, sink) = RuleTestKit.Engine(set);
        Run(engine, Flow("10.0.0.7", "93.184.216.34", 5_000_000, Sec(0))); // upload before any lookup: no chain
        Run(engine, Query("10.0.0.7", "pastebin.com", Sec(10)));
        Run(engine, Flow("10.0.0.8", "93.184.216.34", 5_000_000, Sec(20))); // another host
        Assert.Empty(sink.Of("c"));
        Run(engine, Flow("10.0.0.7", "93.184.216.34", 5_000_000, Sec(30)));
        var alert = Assert.Single(sink.Of("c"));
        Assert.Equal("10.0.0.7", alert.Host);
        Assert.Equal(Sec(10), alert.WindowStartNs);
    }

    [Fact]
    public void A_filter_for_one_logsource_cannot_name_a_rule_of_the_other()
    {
        var r = RuleLoader.Load([
            ("f.yml", "title: any flow\nid: f\nlogsource: {category: network, service: connection}\ndetection:\n  sel:\n    destination.port: 53\n  condition: sel\n"),
            ("x.yml", "title: wrong filter\nid: x\nlogsource: {category: network, service: dns}\nfilter:\n  rules: [f]\n  sel:\n    dns.question.type: PTR\n  condition: sel\n"),
        ], new ListStore());
        var error = Assert.Single(r.Errors);
        Assert.Equal("x.yml", error.File);
        Assert.Contains("is for logsource network/dns but rule 'f' reads network/connection events", error.Message);
    }

    [Fact]
    public void A_dns_rule_naming_a_flow_field_is_refused_with_the_dns_fields()
    {
        var r = RuleLoader.Load([("d.yml", "title: t\nlogsource: {category: network, service: dns}\ndetection:\n  sel:\n    flowrelay.upload.bytes|gt: 1\n  condition: sel\n")], new ListStore());
        var error = Assert.Single(r.Errors);
        Assert.Equal(5, error.Line);
        Assert.Contains("unknown field 'flowrelay.upload.bytes' for logsource network/dns", error.Message);
        Assert.Contains("dns.question.name", error.Message);
    }

    [Fact]
    public void Bundled_tunnel_rules_fire_once_per_client_and_domain_and_raise_the_threat_index()
    {
        var (engine, sink) = Bundled();
        var batch = new List<DnsEvent>();
        for (int i = 0; i < 400; i++) batch.Add(Query("10.1.2.3", $"{Chunk(i)}.t.tunnel-example.com", Sec(i * 0.25), "NULL"));
        Run(engine, batch.ToArray());
        var unique = Assert.Single(sink.Of("flowrelay_dns_tunnel_unique_subdomains"));
        Assert.Equal("10.1.2.3", unique.Host);
        Assert.Contains(new KeyValuePair<string, string>("dns.question.registered_domain", "tunnel-example.com"), unique.Fields);
        Assert.Equal(151, unique.Value); // the 151st distinct subdomain trips "gt 150"; then suppressed for an hour
        Assert.Single(sink.Of("flowrelay_dns_tunnel_long_names"));
        Assert.Single(sink.Of("flowrelay_dns_tunnel_txt_null_volume"));
        Assert.Equal(75, engine.ThreatIndex.Snapshot(Sec(100)).Single(h => h.Host == "10.1.2.3").Score, 0); // 30 + 30 + 15 points, minutes of decay
        Assert.DoesNotContain(sink.Alerts, a => a.Host != "10.1.2.3");
    }

    [Fact]
    public void Names_longer_than_253_characters_as_logged_still_count()
    {
        // iodine's Base128 upstream as BIND logs it: bytes above 0x7f as \DDD (ECS keeps that form),
        // so 85 bytes of subdomain on the wire are 311 characters in the log. Found by the iodine
        // integration test: with a 256-byte text limit these names read as absent and never counted.
        var (engine, sink) = Bundled();
        for (int i = 0; i < 200; i++)
        {
            string label = $"0{i:x3}" + string.Concat(Enumerable.Repeat("\\228\\233", 7)) + "x";
            string name = $"{label}.{label}.{label}.{label}.{label}.t.tunnel.test";
            Run(engine, Query("10.0.0.5", name, Sec(i * 0.1), "NULL"));
        }
        var alert = Assert.Single(sink.Of("flowrelay_dns_tunnel_unique_subdomains"));
        Assert.Contains(new KeyValuePair<string, string>("dns.question.registered_domain", "tunnel.test"), alert.Fields);
    }

    [Fact]
    public void Ordinary_lookups_raise_nothing()
    {
        var (engine, sink) = Bundled();
        string[] sites = ["www.google.com", "fonts.googleapis.com", "www.gstatic.com", "en.wikipedia.org", "upload.wikimedia.org", "www.bbc.co.uk",
            "static.files.bbci.co.uk", "github.com", "api.github.com", "avatars.githubusercontent.com", "www.debian.org", "deb.debian.org",
            "security.debian.org", "outlook.office365.com", "login.microsoftonline.com", "www.amazon.com", "images-eu.ssl-images-amazon.com",
            "d1.awsstatic.com", "s3.amazonaws.com", "r3---sn-4g5e6nsz.googlevideo.com", "i.ytimg.com", "www.youtube.com", "time.cloudflare.com"];
        var batch = new List<DnsEvent>();
        for (int i = 0; i < 600; i++)
        {
            string client = $"10.1.0.{i % 7 + 1}";
            batch.Add(Query(client, sites[i % sites.Length], Sec(i * 0.5), i % 3 == 0 ? "AAAA" : "A"));
        }
        // Reverse lookups ask a new name for every address (excluded by dns/dns_exclusions.yml).
        for (int i = 0; i < 300; i++) batch.Add(Query("10.1.0.9", $"{i % 250}.{i / 250}.168.192.in-addr.arpa", Sec(300 + i * 0.1), "PTR"));
        // A mail server's SPF and DKIM lookups.
        for (int i = 0; i < 40; i++) batch.Add(Query("10.1.0.25", $"selector{i % 3}._domainkey.example.com", Sec(400 + i), "TXT"));
        // Search-list suffixes and typos: many NXDOMAIN names, one registered domain.
        for (int i = 0; i < 60; i++) batch.Add(Query("10.1.0.3", $"host{i}.corp.lan", Sec(500 + i), "A", "NXDOMAIN"));
        batch.Sort((a, b) => a.TimestampNs.CompareTo(b.TimestampNs));
        Run(engine, batch.ToArray());
        Assert.Empty(sink.Alerts);
    }

    [Fact]
    public void An_nxdomain_burst_over_many_registered_domains_trips_the_dga_rule()
    {
        var (engine, sink) = Bundled();
        var batch = new List<DnsEvent>();
        for (int i = 0; i < 40; i++) batch.Add(Query("10.1.0.66", $"{Chunk(i, 12)}.com", Sec(i * 5), "A", "NXDOMAIN"));
        Run(engine, batch.ToArray());
        var alert = Assert.Single(sink.Of("flowrelay_dns_dga_nxdomain_burst"));
        Assert.Equal("10.1.0.66", alert.Host);
        Assert.Equal(21, alert.Value);
        Assert.Equal(Sec(20 * 5), alert.TimeNs);
    }

    [Fact]
    public void Watched_and_social_lookups_alert_once_an_hour_per_client()
    {
        var (engine, sink) = Bundled();
        Run(engine, Query("10.1.0.5", "pastebin.com", Sec(0)), Query("10.1.0.5", "www.pastebin.com", Sec(60)), Query("10.1.0.6", "pastebin.com", Sec(61)),
            Query("10.1.0.5", "www.facebook.com", Sec(70)), Query("10.1.0.5", "static.xx.fbcdn.net", Sec(80)), Query("10.1.0.5", "pastebin.com", Sec(3700)));
        Assert.Equal(["10.1.0.5", "10.1.0.6", "10.1.0.5"], sink.Of("flowrelay_dns_watched_domain_lookup").Select(a => a.Host));
        var social = Assert.Single(sink.Of("flowrelay_dns_social_media_lookup"));
        Assert.Equal("low", social.Rule.Level);
    }

    [Fact]
    public void Dns_to_a_resolver_outside_policy_is_flagged_from_flows()
    {
        var (engine, sink) = Bundled();
        var flows = Enriched(
            Flow("10.2.0.5", "8.8.8.8", 80, Sec(0), 53),            // straight to a public resolver
            Flow("10.2.0.5", "10.0.0.53", 80, Sec(1), 53),          // an internal resolver: not judged
            Flow("10.2.0.7", "192.0.2.53", 80, Sec(1), 53),         // an approved upstream (a documentation address, so "internal" by default: not judged either)
            Flow("10.0.0.53", "9.9.9.9", 80, Sec(2), 53),           // the resolver recursing: approved once listed (see below)
            Flow("10.2.0.6", "1.1.1.1", 400, Sec(3), 853),          // DNS over TLS to a public resolver
            Flow("10.2.0.5", "8.8.4.4", 80, Sec(4), 53));           // same host within the hour: suppressed
        engine.Evaluate(flows);
        var alerts = sink.Of("flowrelay_dns_resolver_outside_policy");
        Assert.Equal(["10.2.0.5", "10.0.0.53", "10.2.0.6"], alerts.Select(a => a.Host)); // the resolver is not listed yet

        // With the resolver in lists/approved_resolvers.txt its recursion is within policy.
        var lists = ListStore.Load(Path.Combine(BundledRules, "lists"));
        lists.With("approved_resolvers", "10.0.0.53/32");
        var files = Directory.GetFiles(BundledRules, "*.yml", SearchOption.AllDirectories).Select(f => (Path.GetRelativePath(BundledRules, f), File.ReadAllText(f)));
        var (listed, listedSink) = RuleTestKit.Engine(Load(lists, files.ToArray()));
        listed.Evaluate(Enriched(Flow("10.0.0.53", "9.9.9.9", 80, Sec(2), 53), Flow("10.2.0.5", "10.0.0.53", 80, Sec(3), 53)));
        Assert.Empty(listedSink.Of("flowrelay_dns_resolver_outside_policy"));
        Assert.Contains(new KeyValuePair<string, string>("destination.ip", "8.8.8.8"), alerts[0].Fields);
    }

    [Fact]
    public void Connections_to_watched_domains_need_the_dns_join_name()
    {
        var (engine, sink) = Bundled();
        var flows = Enriched(Flow("10.2.0.9", "104.20.1.1", 5000, Sec(0)), Flow("10.2.0.9", "104.20.1.2", 5000, Sec(1)));
        flows[0].DestinationDomain = "pastebin.com";
        flows[0].DestinationRegisteredDomain = "pastebin.com";
        engine.Evaluate(flows);
        var alert = Assert.Single(sink.Of("flowrelay_watched_domain_connection"));
        Assert.Equal("10.2.0.9", alert.Host);
    }
}
