using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using FlowRelay.Engine.Rules.Loading;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Rules;

/// <summary>
/// The bundled rule set (rules/) over batches of 1024 enriched flows, per event: time and bytes
/// allocated. <see cref="NonMatching"/>: internal and download-only flows, which trip no
/// detection (issue 5's target: 2 million events/s per core, 0 bytes). <see cref="OutboundValueSum"/>:
/// outbound uploads from 256 hosts, every one matching the detection rule and updating the upload
/// trigger's value_sum window; event time advances 1 s a batch so the windows slide and never
/// reach the threshold (no alert is allocated).
/// </summary>
[MemoryDiagnoser]
public class RuleEvaluationBenchmark
{
    private const int BatchSize = 1024;
    private const long T0 = 1_764_300_000_000_000_000;
    private const long Second = 1_000_000_000;

    private FlowEvent[] _quiet = [];
    private FlowEvent[] _outbound = [];
    private RuleEngine _quietEngine = null!;
    private RuleEngine _outboundEngine = null!;
    private long _time = T0;

    [GlobalSetup]
    public void Setup()
    {
        var load = RuleLoader.LoadDirectory(Path.Combine(FindRepoRoot(), "rules"));
        if (!load.IsValid) throw new InvalidOperationException(string.Join("\n", load.Errors));
        _quietEngine = NewEngine(load.RuleSet!);
        // Loaded twice: each engine owns its windows, so the two benchmarks do not share state.
        _outboundEngine = NewEngine(RuleLoader.LoadDirectory(Path.Combine(FindRepoRoot(), "rules")).RuleSet!);

        var random = new Random(7);
        _quiet = new FlowEvent[BatchSize];
        _outbound = new FlowEvent[BatchSize];
        for (int i = 0; i < BatchSize; i++)
        {
            var inside = IpAddr.FromV4(0x0A000000 + (uint)random.Next(1, 65536));
            var outside = IpAddr.FromV4(0x5DB8D800 + (uint)random.Next(1, 256));
            _quiet[i] = (i % 2) == 0
                ? Flow(inside, IpAddr.FromV4(0x0A010000 + (uint)random.Next(1, 4096)), 5432, 40_000, T0) // internal
                : Flow(outside, inside, 443, 400_000, T0);                                                 // download record
            _outbound[i] = Flow(IpAddr.FromV4(0x0A000000 + (uint)(i % 256) + 1), outside, 443, 1_000, T0);
        }
        IFlowEnricher[] enrichers = [new CommunityIdEnricher(), new NetworkEnricher([]), new ClientServerEnricher(TimeSpan.FromSeconds(30), 65536), new ServiceNameEnricher()];
        foreach (var e in enrichers)
        {
            e.Enrich(_quiet);
            e.Enrich(_outbound);
        }
        NonMatching();
        OutboundValueSum();
    }

    /// <summary>Flows that match no detection rule: the common case.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int NonMatching() => _quietEngine.Evaluate(_quiet);

    /// <summary>Outbound uploads: detection match + value_sum window update per event.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int OutboundValueSum()
    {
        // 256 hosts × 4 events × 1 kB a second: 1.2 MB per 5-minute window per host, far below 20 MB.
        _time += Second;
        var batch = _outbound;
        for (int i = 0; i < batch.Length; i++) batch[i].Flow.EndNs = _time;
        int alerts = _outboundEngine.Evaluate(batch);
        return alerts == 0 ? 0 : throw new InvalidOperationException("the benchmark's windows must not trip");
    }

    private static RuleEngine NewEngine(RuleSet rules) =>
        new(rules, new RuleEngineOptions(), new ThreatIndex(new ThreatIndexOptions()), Array.Empty<IAlertSink>());

    private static FlowEvent Flow(IpAddr src, IpAddr dst, ushort dport, ulong bytes, long endNs)
    {
        var e = new FlowEvent();
        ref var f = ref e.Flow;
        f.SourceAddress = src;
        f.DestinationAddress = dst;
        f.SourcePort = 50_000;
        f.DestinationPort = dport;
        f.Protocol = 6;
        f.Bytes = bytes;
        f.Packets = bytes / 1400 + 1;
        f.StartNs = endNs - Second;
        f.EndNs = endNs;
        f.Present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.Ports | FlowFields.Protocol | FlowFields.Bytes | FlowFields.Packets | FlowFields.Start | FlowFields.End;
        return e;
    }

    private static string FindRepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "FlowRelay.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
