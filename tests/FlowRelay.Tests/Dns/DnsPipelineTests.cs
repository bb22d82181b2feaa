using System.Net;
using System.Text;
using System.Text.Json;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Enrich;
using FlowRelay.Ingest.Syslog;
using FlowRelay.Pipeline.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Syslog;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Dns;

public class DnsPipelineTests
{
    private static readonly Lazy<PublicSuffixList> Psl = new(() => PublicSuffixList.Load(PublicSuffixList.SystemPath));
    private static readonly IpAddr Resolver = IpAddr.From(IPAddress.Parse("192.0.2.53"));

    internal static string Sample(string name) =>
        Path.Combine(RepoRoot.Path, "tests", "FlowRelay.Protocols.Tests", "DnsLogs", "Samples", name);

    private static string? Get(JsonElement doc, string path)
    {
        var cur = doc;
        foreach (string part in path.Split('.'))
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(part, out cur)) return null;
        return cur.ValueKind == JsonValueKind.String ? cur.GetString() : cur.GetRawText();
    }

    private static async Task<CapturingDnsSink> RunAsync(IEnumerable<(string Line, LogSource Source)> lines, DnsAnswerFeed? feed = null,
        FlowRelay.Engine.Rules.IDnsRuleStage? rules = null)
    {
        var channel = new LogChannel(4096);
        var sink = new CapturingDnsSink();
        var pipeline = new DnsPipeline(channel, Psl.Value, [sink], SyslogParserOptions.Default, NullLogger<DnsPipeline>.Instance, feed, rules: rules);
        await pipeline.StartAsync(CancellationToken.None);
        foreach (var (line, source) in lines)
            Assert.True(channel.Publish(Encoding.UTF8.GetBytes(line), source.SyslogFramed ? Resolver : default, LogChannel.NowNs(), false, source, wait: false, CancellationToken.None));
        await Eventually.HoldsAsync(() => channel.Count == 0, TimeSpan.FromSeconds(10));
        await pipeline.StopAsync(CancellationToken.None);
        return sink;
    }

    [Fact]
    public async Task Dns_events_go_through_the_rules_stage_before_the_sinks()
    {
        var dir = Directory.CreateTempSubdirectory("flowrelay-dnsrules-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "lookup.yml"),
                "title: example lookup\nid: example-lookup\nlogsource: {category: network, service: dns}\ndetection:\n  sel:\n    dns.question.registered_domain: example.com\n  condition: sel\nlevel: high\n");
            var alerts = new CapturingAlertSink();
            var stage = new FlowRelay.Engine.Rules.SigmaRuleStage(dir.FullName, new FlowRelay.Engine.Rules.RuleEngineOptions(),
                new FlowRelay.Engine.Risk.ThreatIndex(new FlowRelay.Engine.Risk.ThreatIndexOptions()), [alerts], _ => { }, TimeSpan.Zero);
            var source = new LogSource("udp:test", DnsLogFormat.Unknown, true);
            var sink = await RunAsync(File.ReadAllLines(Sample("syslog-lf.log")).Select(l => (l, source)), rules: stage);
            Assert.Single(sink.Dns);
            var alert = Assert.Single(alerts.Alerts);
            Assert.Equal("example-lookup", alert.Rule.Id);
            Assert.Equal("10.0.0.5", alert.Host);
            Assert.Equal(1, stage.Engine.DnsEventsEvaluated);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    private sealed class CapturingAlertSink : FlowRelay.Engine.Alerts.IAlertSink
    {
        public List<FlowRelay.Engine.Alerts.Alert> Alerts { get; } = [];

        public void Write(FlowRelay.Engine.Alerts.Alert alert)
        {
            lock (Alerts) Alerts.Add(alert);
        }

        public void WriteRisk(FlowRelay.Engine.Risk.HostRisk risk)
        {
        }
    }

    [Fact]
    public async Task Syslog_messages_become_one_DNS_event_per_query_and_other_programs_are_counted_not_emitted()
    {
        var source = new LogSource("udp:test", DnsLogFormat.Unknown, true);
        var lines = File.ReadAllLines(Sample("syslog-lf.log")).Select(l => (l, source));
        var sink = await RunAsync(lines);
        var doc = Assert.Single(sink.Dns);
        Assert.Equal("example.com", Get(doc, "dns.question.name"));
        Assert.Equal("example.com", Get(doc, "dns.question.registered_domain"));
        Assert.Equal("10.0.0.5", Get(doc, "source.ip"));
        Assert.Equal("192.0.2.53", Get(doc, "observer.ip"));
        Assert.Equal("vm", Get(doc, "observer.hostname"));
        Assert.Equal("named", Get(doc, "log.syslog.appname"));
        Assert.Equal("udp:test", Get(doc, "flowrelay.dns.input"));
        Assert.StartsWith(DateTime.UtcNow.Year + "-11-28T04:36:04", Get(doc, "@timestamp"));
        Assert.Equal(3, source.Counters.SyslogStatus[(int)SyslogParseStatus.Ok]);
        Assert.Equal(1, source.Counters.DnsEvents);
    }

    [Fact]
    public async Task Raw_dnsmasq_lines_are_joined_per_query_and_answers_reach_the_flow_side()
    {
        var source = new LogSource("/var/log/dnsmasq.log", DnsLogFormat.Unknown, false);
        var feed = new DnsAnswerFeed();
        var sink = await RunAsync(File.ReadAllLines(Sample("dnsmasq-extra.log")).Select(l => (l, source)), feed);
        int queries = File.ReadAllLines(Sample("dnsmasq-extra.log")).Count(l => l.Contains(" query["));
        Assert.Equal(queries, sink.Dns.Count);
        var www = sink.Dns.First(d => Get(d, "dns.question.name") == "www.lab.test");
        Assert.Equal("[\"10.1.2.3\",\"10.1.2.4\"]", Get(www, "dns.resolved_ip"));
        Assert.Equal("dnsmasq", Get(www, "flowrelay.dns.format"));
        var cache = new DnsAnswerCache(1000, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        feed.DrainInto(cache);
        Assert.True(cache.TryResolve(IpAddr.From(IPAddress.Loopback), IpAddr.From(IPAddress.Parse("10.1.2.3")), 0, out var answer, out bool byClient));
        Assert.Equal("www.lab.test", answer.Name);
        Assert.Equal("lab.test", answer.RegisteredDomain);
        Assert.True(byClient);
    }

    [Fact]
    public async Task CEF_over_syslog_becomes_an_ECS_document_with_the_original_kept()
    {
        var source = new LogSource("tcp:test", DnsLogFormat.Unknown, true);
        const string cef = "<134>Nov 28 04:36:04 fw1 CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232 dpt=80 smac=00:0c:29:aa:bb:cc rt=1795840562000 cs1Label=zone cs1=dmz msg=Detected a threat. No action needed.";
        var sink = await RunAsync([(cef, source), ("<134>Nov 28 04:36:04 fw1 CEF:garbage", source)]);
        var doc = Assert.Single(sink.Cef);
        Assert.Equal("10.0.0.1", Get(doc, "source.ip"));
        Assert.Equal("2.1.2.2", Get(doc, "destination.ip"));
        Assert.Equal("80", Get(doc, "destination.port"));
        Assert.Equal("00-0C-29-AA-BB-CC", Get(doc, "source.mac"));
        Assert.Equal("Security", Get(doc, "observer.vendor"));
        Assert.Equal("100", Get(doc, "event.code"));
        Assert.Equal("10", Get(doc, "event.severity"));
        Assert.Equal("Detected a threat. No action needed.", Get(doc, "message"));
        Assert.Equal("2026-11-28T04:36:02.000Z", Get(doc, "@timestamp"));
        Assert.Equal("dmz", Get(doc, "flowrelay.cef.extensions.cs1"));
        Assert.StartsWith("CEF:0|Security|threatmanager|1.0|100|", Get(doc, "event.original"));
        Assert.Equal("fw1", Get(doc, "log.syslog.hostname"));
        Assert.Equal(1, source.Counters.CefEvents);
        Assert.Equal(1, source.Counters.CefErrors);
    }
}
