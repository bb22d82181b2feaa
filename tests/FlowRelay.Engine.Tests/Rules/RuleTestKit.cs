using System.Net;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using FlowRelay.Engine.Rules.Loading;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>Builds flows and engines for rule tests.</summary>
internal static class RuleTestKit
{
    public static readonly long T0 = DateTimeOffset.Parse("2026-11-28T10:00:00Z").ToUnixTimeMilliseconds() * 1_000_000;

    public static string BundledRules => Path.Combine(AppContext.BaseDirectory, "bundled-rules");

    public static FlowEvent Flow(string src, string dst, ulong bytes, long endNs, ushort dport = 443)
    {
        var e = new FlowEvent();
        e.Flow.SourceAddress = IpAddr.From(IPAddress.Parse(src));
        e.Flow.DestinationAddress = IpAddr.From(IPAddress.Parse(dst));
        e.Flow.SourcePort = 50000;
        e.Flow.DestinationPort = dport;
        e.Flow.Protocol = 6;
        e.Flow.Bytes = bytes;
        e.Flow.Packets = bytes / 1400 + 1;
        e.Flow.EndNs = endNs;
        e.Flow.StartNs = endNs - 1_000_000_000;
        e.Flow.Present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.Ports | FlowFields.Protocol | FlowFields.Bytes | FlowFields.Packets | FlowFields.Start | FlowFields.End;
        return e;
    }

    /// <summary>
    /// An IPFIX biflow (RFC 5103): forward counters are what the source (the initiator) sent,
    /// reverse counters what the destination sent back.
    /// </summary>
    public static FlowEvent Biflow(string src, string dst, ulong bytes, ulong reverseBytes, long endNs, ushort dport = 443)
    {
        var e = Flow(src, dst, bytes, endNs, dport);
        e.Flow.ReverseBytes = reverseBytes;
        e.Flow.ReversePackets = reverseBytes / 1400 + 1;
        e.Flow.Present |= FlowFields.ReverseCounters;
        e.Flow.Version = 10;
        return e;
    }

    /// <summary>
    /// The enrichers the relay runs by default, in the pipeline's order (RelayHost.AddEnrichers:
    /// Community ID, networks with the default internal ranges, client/server, service names).
    /// </summary>
    public static IFlowEnricher[] DefaultEnrichers() =>
    [
        new CommunityIdEnricher(),
        new NetworkEnricher([]),
        new ClientServerEnricher(TimeSpan.FromSeconds(30), 10_000),
        new ServiceNameEnricher(),
    ];

    /// <summary>Enriches the batch with the real enrichers, then evaluates it: the pipeline's path.</summary>
    public static int RunEnriched(RuleEngine engine, IFlowEnricher[] enrichers, params FlowEvent[] events)
    {
        foreach (var enricher in enrichers) enricher.Enrich(events);
        return engine.Evaluate(events);
    }

    /// <summary>The batch after a fresh set of <see cref="DefaultEnrichers"/> ran over it.</summary>
    public static FlowEvent[] Enriched(params FlowEvent[] events)
    {
        foreach (var enricher in DefaultEnrichers()) enricher.Enrich(events);
        return events;
    }

    public static long Sec(double s) => T0 + (long)(s * 1e9);

    public static RuleSet Load(params (string File, string Yaml)[] files) => Load(new ListStore(), files);

    public static RuleSet Load(ListStore lists, params (string File, string Yaml)[] files)
    {
        var r = RuleLoader.Load(files, lists);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        return r.RuleSet!;
    }

    public static (RuleEngine Engine, CollectingSink Sink) Engine(RuleSet rules, RuleEngineOptions? options = null)
    {
        var sink = new CollectingSink();
        return (new RuleEngine(rules, options ?? new RuleEngineOptions(), new ThreatIndex(new ThreatIndexOptions()), [sink]), sink);
    }

    public static int Run(RuleEngine engine, params FlowEvent[] events) => engine.Evaluate(events);
}

internal sealed class CollectingSink : IAlertSink
{
    public List<Alert> Alerts { get; } = [];
    public List<HostRisk> Risks { get; } = [];

    public void Write(Alert alert) => Alerts.Add(alert);

    public void WriteRisk(HostRisk risk) => Risks.Add(risk);

    public List<Alert> Of(string ruleId) => Alerts.Where(a => a.Rule.Id == ruleId || a.Rule.Name == ruleId).ToList();
}
