using BenchmarkDotNet.Attributes;
using FlowRelay.Benchmarks.Enrichment;
using FlowRelay.Emit.Cef;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;

namespace FlowRelay.Benchmarks.Cef;

/// <summary>
/// CEF formatting as the CEF output does it: the syslog header and the CEF record of each event
/// into the formatter's reused buffer (the sender's socket write is not included). Flows are the
/// enriched batch of <see cref="EnrichmentBenchmark"/> (outputs.cef.all_events); alerts are the
/// shapes the bundled rules raise. Lines per second per core = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class CefFormatBenchmark
{
    private const int FlowCount = 1024;
    private const int AlertCount = 64;
    private FlowEvent[] _flows = [];
    private Alert[] _alerts = [];
    private HostRisk[] _risks = [];
    private readonly CefFormatter _rfc5424 = new(SyslogHeader.Rfc5424, 16, "relay-1");
    private readonly CefFormatter _rfc3164 = new(SyslogHeader.Rfc3164, 16, "relay-1");

    [GlobalSetup]
    public void Setup()
    {
        var enrichment = new EnrichmentBenchmark();
        enrichment.Setup();
        enrichment.EnrichAllWithGeoIp();
        _flows = enrichment.Batch;
        enrichment.Cleanup();

        var upload = new RuleInfo { Id = "flowrelay-large-upload", Name = "large_upload", Title = "Internal host uploaded more than 20 MB in 5 minutes", Level = "high", File = "rules/x.yml", Tags = ["attack.exfiltration", "attack.t1048"] };
        var repeat = new RuleInfo { Id = "flowrelay-repeated-uploads", Name = "repeated_uploads", Title = "Repeated large uploads", Level = "critical", File = "rules/y.yml", Tags = ["attack.exfiltration"] };
        var social = new RuleInfo { Id = "flowrelay-dns-social", Title = "Lookup of a watched domain", Level = "low", File = "rules/z.yml" };
        long t0 = 1_764_300_000_000_000_000;
        _alerts = new Alert[AlertCount];
        for (int i = 0; i < AlertCount; i++)
        {
            string host = $"10.0.{i % 16}.{i + 1}";
            _alerts[i] = (i % 3) switch
            {
                0 => new Alert
                {
                    Rule = upload, TimeNs = t0 + i * 1_000_000_000L, Kind = "value_sum", Host = host,
                    Fields = [new("source.ip", host)], Value = 21_000_000 + i, Condition = "gt 20000000", Threshold = 20_000_000,
                    Timespan = TimeSpan.FromMinutes(5), EventCount = 40 + i, Sample = ["1:LQU9qZlK+B5F3KDmev6m5PMibrg=", "1:3ESnk5kwK3kEIq1sW3a6y3j4xs0="], RiskScore = 25 + i,
                },
                1 => new Alert
                {
                    Rule = repeat, TimeNs = t0 + i * 1_000_000_000L, Kind = "event_count", Host = host,
                    Fields = [new("source.ip", host)], Value = 4, Condition = "gte 3", Threshold = 3, Timespan = TimeSpan.FromDays(1), EventCount = 4, RiskScore = 80,
                },
                _ => new Alert
                {
                    Rule = social, TimeNs = t0 + i * 1_000_000_000L, Kind = "detection", Host = host,
                    Fields = [new("source.ip", host), new("destination.ip", "2001:db8::53"), new("destination.port", "53"), new("dns.question.name", "www.facebook.com")], EventCount = 1,
                },
            };
        }
        _risks = [.. Enumerable.Range(0, AlertCount).Select(i => new HostRisk($"10.0.{i % 16}.{i + 1}", 10.5 + i, (RiskLevel)(i % 5), t0 + i, "large_upload"))];
    }

    /// <summary>A flow as a CEF line with the RFC 5424 header (the target: at least 2 million per second per core, 0 bytes).</summary>
    [Benchmark(OperationsPerInvoke = FlowCount)]
    public int FormatFlowsRfc5424() => FormatFlows(_rfc5424);

    /// <summary>A flow as a CEF line with the RFC 3164 header.</summary>
    [Benchmark(OperationsPerInvoke = FlowCount)]
    public int FormatFlowsRfc3164() => FormatFlows(_rfc3164);

    /// <summary>An alert as a CEF line (RFC 5424 header).</summary>
    [Benchmark(OperationsPerInvoke = AlertCount)]
    public int FormatAlerts()
    {
        int bytes = 0;
        foreach (var alert in _alerts) bytes += _rfc5424.Format(alert).Length;
        return bytes;
    }

    /// <summary>A threat-index change as a CEF line (RFC 5424 header).</summary>
    [Benchmark(OperationsPerInvoke = AlertCount)]
    public int FormatThreatIndexChanges()
    {
        int bytes = 0;
        foreach (var risk in _risks) bytes += _rfc5424.Format(risk).Length;
        return bytes;
    }

    private int FormatFlows(CefFormatter formatter)
    {
        int bytes = 0;
        for (int i = 0; i < _flows.Length; i++) bytes += formatter.Format(in _flows[i]).Length;
        return bytes;
    }
}
