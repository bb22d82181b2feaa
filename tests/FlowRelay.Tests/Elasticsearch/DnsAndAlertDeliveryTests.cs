using System.Net;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using FlowRelay.Hosting;
using FlowRelay.Pipeline.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using FlowRelay.Spool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.Tests.Elasticsearch;

/// <summary>
/// DNS queries, alerts and threat-index changes through their Elasticsearch sinks → spool → sender →
/// loopback Elasticsearch: each lands in its own data stream, exactly once by <c>_id</c>, also when it
/// is sent again (a request indexed and then failed, the same event handed over twice, a spool whose
/// acknowledgement was lost and is read again).
/// </summary>
public sealed class DnsAndAlertDeliveryTests(ITestOutputHelper output) : IDisposable
{
    private const string DnsStream = "logs-flowrelay.dns-default";
    private const string AlertStream = "logs-flowrelay.alert-default";
    private const string RiskStream = "logs-flowrelay.risk-default";
    private static readonly Lazy<PublicSuffixList> Psl = new(() => PublicSuffixList.Load(PublicSuffixList.SystemPath));
    private static readonly RuleInfo Rule = new() { Id = "6ded69dc-31ec-4a4d-821c-01f620ca8226", Title = "Upload", Level = "high", File = "u.yml", RiskPoints = 20 };
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private DiskSpool OpenSpool(string name = "spool") =>
        new(new SpoolOptions { Path = _dir.File(name), MaxBytes = 1L << 30, SegmentBytes = 4 << 20, WhenFull = SpoolFullPolicy.Block }, NullLogger.Instance);

    private ElasticsearchSender Sender(DiskSpool spool, Uri url, ElasticsearchCounters counters)
    {
        var settings = new ElasticsearchOutputSettings { Enabled = true, Urls = [url.ToString()], RequestTimeout = new Duration(TimeSpan.FromSeconds(10)) };
        var transport = new ClientBulkTransport(ElasticsearchConnection.CreateClient(settings));
        var options = new SenderOptions { BatchSize = 50, Concurrency = 2, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        return new ElasticsearchSender(spool, transport, new DeadLetterWriter(_dir.File("dead-letter"), NullLogger.Instance), options, counters, NullLogger.Instance);
    }

    private static DnsEvent[] DnsEvents(int count) => Enumerable.Range(0, count).Select(i =>
    {
        var r = DnsQueryRecord.Empty();
        r.Format = DnsLogFormat.Dnsmasq;
        r.ClientIp = IpAddr.From(IPAddress.Parse("10.0.0.5"));
        r.ClientPort = (ushort)(40000 + i);
        r.QueryName = $"n{i}.example.com";
        r.QueryType = 1;
        r.QueryTypeName = "A";
        r.QueryId = i;
        var e = DnsEvent.Create(r, 1_767_225_600_000_000_000 + i * 1_000_000L, true, 1_767_225_601_000_000_000 + i, Psl.Value);
        e.Observer = IpAddr.From(IPAddress.Parse("192.0.2.53"));
        e.ObserverHostname = "ns1";
        e.Input = "udp:0.0.0.0:514";
        return e;
    }).ToArray();

    private static Alert MakeAlert() => new()
    {
        Rule = Rule, TimeNs = 1_767_225_600_000_000_000, Kind = "value_sum", Fields = [new("source.ip", "10.1.2.3")],
        Value = 21_000_000, Threshold = 20_000_000, Condition = "gt 20000000", Timespan = TimeSpan.FromMinutes(5), EventCount = 3, Host = "10.1.2.3",
    };

    private static HostRisk MakeRisk() => new("10.1.2.3", 20, RiskLevel.Low, 1_767_225_600_000_000_000, Rule.Id);

    private static void Hand(DiskSpool spool, ElasticsearchCounters counters, DnsEvent[] events, TimeProvider? time = null)
    {
        var dns = new ElasticsearchDnsSink(spool, "default", counters);
        for (int i = 0; i < events.Length; i += 25) dns.Write(events.AsSpan(i, Math.Min(25, events.Length - i)));
        dns.Close();
        var alerts = new ElasticsearchAlertSink(spool, "default", counters, time);
        alerts.Write(MakeAlert());
        alerts.WriteRisk(MakeRisk());
    }

    private static string[] Keys(LoopbackElasticsearch server, string stream) => server.Documents.Keys.Where(k => k.StartsWith(stream + "/", StringComparison.Ordinal)).ToArray();

    private static void AssertExactlyOnce(LoopbackElasticsearch server, int dnsCount)
    {
        Assert.Equal(dnsCount + 2, server.Documents.Count);
        Assert.Equal(dnsCount + 2, server.Created);
        var dnsKeys = Keys(server, DnsStream);
        Assert.Equal(dnsCount, dnsKeys.Length);
        var names = dnsKeys.Select(k => JsonDocument.Parse(server.Documents[k]).RootElement.GetProperty("dns").GetProperty("question").GetProperty("name").GetString()!).ToHashSet();
        Assert.Equal(Enumerable.Range(0, dnsCount).Select(i => $"n{i}.example.com").ToHashSet(), names);
        var alert = JsonDocument.Parse(server.Documents[Assert.Single(Keys(server, AlertStream))]).RootElement;
        Assert.Equal("flowrelay.alert", alert.GetProperty("event").GetProperty("dataset").GetString());
        Assert.Equal(Rule.Id, alert.GetProperty("rule").GetProperty("id").GetString());
        var risk = JsonDocument.Parse(server.Documents[Assert.Single(Keys(server, RiskStream))]).RootElement;
        Assert.Equal("flowrelay.risk", risk.GetProperty("event").GetProperty("dataset").GetString());
        var dns = JsonDocument.Parse(server.Documents[dnsKeys[0]]).RootElement;
        Assert.Equal("flowrelay.dns", dns.GetProperty("event").GetProperty("dataset").GetString());
    }

    [Fact]
    public void Ids_are_deterministic_and_leave_out_the_time_of_receipt_and_of_writing()
    {
        var ids = new ContentId();
        var a = DnsEvents(2);
        var b = DnsEvents(2);
        b[0].ReceivedNs += 5_000_000_000;
        Span<byte> x = stackalloc byte[DocumentId.Length], y = stackalloc byte[DocumentId.Length], z = stackalloc byte[DocumentId.Length];
        ElasticsearchDnsSink.Compute(ids, in a[0], x);
        ElasticsearchDnsSink.Compute(ids, in b[0], y);
        ElasticsearchDnsSink.Compute(ids, in a[1], z);
        Assert.True(x.SequenceEqual(y));
        Assert.False(x.SequenceEqual(z));
        Assert.All(x.ToArray(), c => Assert.True(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'-' or (byte)'_'));

        ElasticsearchAlertSink.Compute(ids, MakeAlert(), x);
        ElasticsearchAlertSink.Compute(ids, MakeAlert(), y);
        Assert.True(x.SequenceEqual(y));
        ElasticsearchAlertSink.Compute(ids, new Alert { Rule = Rule, TimeNs = 1, Kind = "value_sum", Fields = [new("source.ip", "10.1.2.4")] }, y);
        Assert.False(x.SequenceEqual(y));
        ElasticsearchAlertSink.Compute(ids, MakeRisk(), z);
        Assert.False(x.SequenceEqual(z));
    }

    [Fact]
    public async Task Cef_events_from_other_devices_reach_the_cef_data_stream_once_by_id()
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        using var spool = OpenSpool();
        var counters = new ElasticsearchCounters();
        var sender = Sender(spool, server.Url, counters);
        await sender.StartAsync(default);
        var sink = new ElasticsearchDnsSink(spool, "default", counters);
        CefInputEvent Cef(string message, long headerNs)
        {
            Assert.Equal(FlowRelay.Protocols.Cef.CefParseStatus.Ok, FlowRelay.Protocols.Cef.CefParser.Parse(message, out var cef));
            return new CefInputEvent(cef!, headerNs, headerNs + 1_000_000, IpAddr.From(IPAddress.Parse("192.0.2.1")), "fw1", "udp:0.0.0.0:514", false);
        }
        var deny = Cef("CEF:0|Example|Firewall|1.0|deny|blocked|7|src=10.0.0.5 dst=81.2.69.142 dpt=445 vendorKey=v1", 1_767_225_600_000_000_000);
        var allow = Cef("CEF:0|Example|Firewall|1.0|allow|allowed|1|src=10.0.0.6 dst=81.2.69.142 dpt=443", 1_767_225_601_000_000_000);
        sink.WriteCef(deny);
        sink.WriteCef(allow);
        sink.WriteCef(deny); // the same message read twice (a file tailed again): same id, a 409
        Assert.True(await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(30)), $"waiting {spool.Counters.EntriesWaiting}");
        await sender.StopAsync(default);
        var keys = Keys(server, "logs-flowrelay.cef-default");
        Assert.Equal(2, keys.Length);
        Assert.Equal(1, server.Conflicts);
        var doc = keys.Select(k => JsonDocument.Parse(server.Documents[k]).RootElement).Single(d => d.GetProperty("event").GetProperty("code").GetString() == "deny");
        Assert.Equal("flowrelay.cef", doc.GetProperty("event").GetProperty("dataset").GetString());
        Assert.Equal("10.0.0.5", doc.GetProperty("source").GetProperty("ip").GetString());
        Assert.Equal(445, doc.GetProperty("destination").GetProperty("port").GetInt32());
        Assert.Equal("v1", doc.GetProperty("flowrelay").GetProperty("cef").GetProperty("extensions").GetProperty("vendorKey").GetString());
    }

    [Fact]
    public async Task Dns_events_an_alert_and_a_risk_change_reach_their_data_streams_exactly_once_through_resends()
    {
        const int count = 300;
        await using var server = await LoopbackElasticsearch.StartAsync();
        server.Seed(6);
        server.FailAfterIndexRate = 0.3; // indexed, then 500: the sender resends with the stored ids
        using var spool = OpenSpool();
        var counters = new ElasticsearchCounters();
        var sender = Sender(spool, server.Url, counters);
        await sender.StartAsync(default);
        var events = DnsEvents(count);
        Hand(spool, counters, events);
        Assert.True(await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(30)), $"waiting {spool.Counters.EntriesWaiting}");
        AssertExactlyOnce(server, count);

        // The same events handed over again (a log read twice, an alert written again later): same ids, 409s.
        server.FailAfterIndexRate = 0;
        long conflicts = server.Conflicts;
        Hand(spool, counters, DnsEvents(count), new FixedTime(DateTimeOffset.UtcNow.AddMinutes(5)));
        Assert.True(await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(30)), $"waiting {spool.Counters.EntriesWaiting}");
        await sender.StopAsync(default);
        output.WriteLine($"{server.BulkRequests} bulk requests, {server.InjectedFaults} faults, {server.Conflicts} 409s, delivered {counters.Delivered}, already present {counters.AlreadyPresent}");
        AssertExactlyOnce(server, count);
        Assert.Equal(count + 2, server.Conflicts - conflicts);
        Assert.Equal(count + 2, counters.Delivered);
        Assert.Equal(0, counters.SpoolRefused);
        Assert.Equal(0, counters.DeadLettered);
    }

    [Fact]
    public async Task A_spool_read_again_after_a_lost_acknowledgement_resends_with_the_stored_ids()
    {
        const int count = 120;
        await using var server = await LoopbackElasticsearch.StartAsync();
        var counters = new ElasticsearchCounters();
        using (var spool = OpenSpool())
        {
            Hand(spool, counters, DnsEvents(count));
            // The relay's disk as it was before anything was acknowledged (a crash after delivery, before the ack).
            CopyDirectory(_dir.File("spool"), _dir.File("spool-before-ack"));
            var sender = Sender(spool, server.Url, counters);
            await sender.StartAsync(default);
            Assert.True(await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(30)));
            await sender.StopAsync(default);
        }
        AssertExactlyOnce(server, count);
        var firstIds = server.Documents.Keys.ToHashSet();

        var again = new ElasticsearchCounters();
        using (var spool = OpenSpool("spool-before-ack"))
        {
            Assert.Equal(count + 2, spool.Counters.EntriesWaiting);
            var sender = Sender(spool, server.Url, again);
            await sender.StartAsync(default);
            Assert.True(await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(30)));
            await sender.StopAsync(default);
        }
        AssertExactlyOnce(server, count);
        Assert.Equal(firstIds, server.Documents.Keys.ToHashSet());
        Assert.Equal(0, again.Delivered);
        Assert.Equal(count + 2, again.AlreadyPresent);
    }

    [Fact]
    public async Task The_relay_sends_dns_queries_from_a_tailed_log_to_the_dns_data_stream()
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        string log = _dir.File("query.log");
        File.WriteAllText(log, string.Concat(Enumerable.Range(0, 40).Select(i =>
            $"client @0x7f00aa 10.0.0.5#{40000 + i} (n{i}.example.com): query: n{i}.example.com IN A +E(0)K (127.0.0.1)\n")));
        string yaml = $"""
            data_dir: "{_dir.File("data")}"
            log_level: warn
            stats_interval: 1s
            inputs:
              flow:
                enabled: false
              files:
                sources:
                  - {"{"} path: "{log}", format: bind {"}"}
                poll_interval: 20ms
            rules:
              enabled: false
            outputs:
              ndjson:
                enabled: false
              elasticsearch:
                enabled: true
                urls: ["{server.Url}"]
                batch_size: 10
                concurrency: 1
                retry_initial_backoff: 20ms
                retry_max_backoff: 200ms
            spool:
              fsync: never
            """;
        var r = ConfigLoader.LoadYaml(yaml);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        using var host = RelayHost.Build(r.Settings!);
        Assert.Contains(host.Services.GetServices<IDnsEventSink>(), s => s is ElasticsearchDnsSink);
        await host.StartAsync();
        Assert.True(await Eventually.HoldsAsync(() => server.Documents.Count == 40, TimeSpan.FromSeconds(20)), $"{server.Documents.Count}");
        await Task.Delay(200);
        await host.StopAsync();
        Assert.Equal(40, Keys(server, DnsStream).Length);
        Assert.Equal(40, server.Documents.Count);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
