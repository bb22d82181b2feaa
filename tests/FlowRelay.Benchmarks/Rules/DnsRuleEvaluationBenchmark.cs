using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using FlowRelay.Engine.Rules.Loading;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Rules;

/// <summary>
/// The bundled rule set (rules/) over batches of 1024 DNS queries, per event. <see cref="Ordinary"/>:
/// A/AAAA lookups of 24 common names by 512 clients; each matches the subdomain detection and updates
/// the tunnelling value_count window of its (client, registered domain), as every ordinary query
/// does in production. <see cref="TunnelLike"/>: NULL queries with 56-byte base32 labels from 64
/// clients, which match three detections and update three correlations; time advances so the windows
/// slide and the counts stay under the thresholds (no alert is allocated).
/// </summary>
[MemoryDiagnoser]
public class DnsRuleEvaluationBenchmark
{
    private const int BatchSize = 1024;
    private const long T0 = 1_764_300_000_000_000_000;
    private const long Second = 1_000_000_000;

    private DnsEvent[] _ordinary = [];
    private DnsEvent[] _tunnel = [];
    private RuleEngine _ordinaryEngine = null!;
    private RuleEngine _tunnelEngine = null!;
    private long _time = T0;

    [GlobalSetup]
    public void Setup()
    {
        string rules = Path.Combine(RuleEvaluationBenchmark.FindRepoRoot(), "rules");
        _ordinaryEngine = NewEngine(RuleLoader.LoadDirectory(rules).RuleSet!);
        _tunnelEngine = NewEngine(RuleLoader.LoadDirectory(rules).RuleSet!);
        var psl = PublicSuffixList.Load(PublicSuffixList.SystemPath);
        string[] names = ["www.google.com", "fonts.googleapis.com", "www.gstatic.com", "en.wikipedia.org", "upload.wikimedia.org", "www.bbc.co.uk",
            "static.files.bbci.co.uk", "github.com", "api.github.com", "avatars.githubusercontent.com", "www.debian.org", "deb.debian.org",
            "security.debian.org", "outlook.office365.com", "login.microsoftonline.com", "www.amazon.com", "images-eu.ssl-images-amazon.com",
            "d1.awsstatic.com", "s3.amazonaws.com", "r3---sn-4g5e6nsz.googlevideo.com", "i.ytimg.com", "www.youtube.com", "time.cloudflare.com", "example.org"];
        var random = new Random(7);
        _ordinary = new DnsEvent[BatchSize];
        _tunnel = new DnsEvent[BatchSize];
        const string base32 = "abcdefghijklmnopqrstuvwxyz234567";
        for (int i = 0; i < BatchSize; i++)
        {
            _ordinary[i] = Query(psl, IpAddr.FromV4(0x0A000000 + (uint)random.Next(1, 513)), names[random.Next(names.Length)], i % 3 == 0 ? "AAAA" : "A");
            var label = new char[56];
            for (int k = 0; k < label.Length; k++) label[k] = base32[random.Next(32)];
            // 64 clients, 16 distinct names each per batch (under every tunnel threshold, which are per 5 minutes).
            _tunnel[i] = Query(psl, IpAddr.FromV4(0x0A100000 + (uint)(i % 64) + 1), $"{new string(label)}.t.tunnel-example.com", "NULL");
        }
        Ordinary();
        TunnelLike();
    }

    /// <summary>Ordinary lookups: one detection match and one value_count update each.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int Ordinary()
    {
        _time += Second;
        foreach (ref var e in _ordinary.AsSpan()) e.TimestampNs = _time;
        return _ordinaryEngine.Evaluate(_ordinary);
    }

    /// <summary>Tunnel-like queries: three detection matches and three correlation updates each, under the thresholds.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int TunnelLike()
    {
        // Ten minutes a batch: every window has slid past the previous batch, so no count reaches its threshold.
        _time += 600 * Second;
        foreach (ref var e in _tunnel.AsSpan()) e.TimestampNs = _time;
        int alerts = _tunnelEngine.Evaluate(_tunnel);
        return alerts == 0 ? 0 : throw new InvalidOperationException("the benchmark's windows must not trip");
    }

    private static DnsEvent Query(PublicSuffixList psl, IpAddr client, string name, string type)
    {
        var r = DnsQueryRecord.Empty();
        r.ClientIp = client;
        r.QueryName = name;
        r.QueryTypeName = type;
        r.QueryClassName = "IN";
        r.ResponseCodeName = "NOERROR";
        r.TimestampUnixNs = T0;
        r.TimestampHasZone = true;
        return DnsEvent.Create(r, 0, false, T0, psl);
    }

    private static RuleEngine NewEngine(RuleSet rules) =>
        new(rules, new RuleEngineOptions(), new ThreatIndex(new ThreatIndexOptions()), Array.Empty<IAlertSink>());
}
