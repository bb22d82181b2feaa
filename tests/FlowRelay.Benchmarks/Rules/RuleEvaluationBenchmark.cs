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

    private RuleEngine _manyEngine = null!;
    private FlowEvent[] _many = [];
    private int _manyCursor;
    private const int ManyHosts = 100_000;

    /// <summary>
    /// <see cref="OutboundValueSum"/> with the load test's 100,000 internal hosts: every event updates
    /// the window of a host whose state is not in cache (the hosts follow a stride through all
    /// 100,000, 1024 a batch). Event time advances 10 ms a batch, so each host sees about one event a
    /// second (several per 10-second bucket, as at the load test's rates) and no window trips.
    /// </summary>
    [GlobalSetup(Target = nameof(OutboundValueSumManyHosts))]
    public void SetupManyHosts()
    {
        _manyEngine = new RuleEngine(RuleLoader.LoadDirectory(Path.Combine(FindRepoRoot(), "rules")).RuleSet!,
            new RuleEngineOptions { MaxGroups = 200_000 }, new ThreatIndex(new ThreatIndexOptions()), Array.Empty<IAlertSink>());
        _many = new FlowEvent[BatchSize];
        var outside = IpAddr.FromV4(0x5DB8D822);
        for (int i = 0; i < BatchSize; i++) _many[i] = Flow(IpAddr.FromV4(0x0A000001), outside, 443, 1_000, T0);
        new NetworkEnricher([]).Enrich(_many);
        // Two passes over every host, so each has its group and window before measuring.
        for (int i = 0; i < 2 * ManyHosts / BatchSize + 2; i++) OutboundValueSumManyHosts();
    }

    /// <summary>Outbound uploads from 100,000 hosts: the window updates miss the cache, as in the load test.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int OutboundValueSumManyHosts()
    {
        _time += Second / 100;
        var batch = _many;
        for (int i = 0; i < batch.Length; i++)
        {
            // 7919 is prime, so the stride visits all 100,000 hosts before repeating.
            _manyCursor = (_manyCursor + 7919) % ManyHosts;
            batch[i].Flow.SourceAddress = IpAddr.FromV4(0x0A000000 + (uint)_manyCursor + 1);
            batch[i].Flow.EndNs = _time;
        }
        int alerts = _manyEngine.Evaluate(batch);
        return alerts == 0 ? 0 : throw new InvalidOperationException("the benchmark's windows must not trip");
    }

    private RuleEngine _newHostEngine = null!;
    private FlowEvent[] _newHosts = [];
    private uint _nextHost;

    /// <summary>
    /// Memory per tracked group key: outbound uploads each from a host never seen before, so every
    /// event creates an upload-trigger group (the allocation per event is the group's footprint:
    /// key text, window buckets, list links, dictionary entry; past rules.max_groups the oldest
    /// group is evicted, so the figure is steady-state).
    /// </summary>
    [GlobalSetup(Target = nameof(NewHostGroup))]
    public void SetupNewHosts()
    {
        _newHostEngine = NewEngine(RuleLoader.LoadDirectory(Path.Combine(FindRepoRoot(), "rules")).RuleSet!);
        _newHosts = new FlowEvent[BatchSize];
        var outside = IpAddr.FromV4(0x5DB8D822);
        for (int i = 0; i < BatchSize; i++) _newHosts[i] = Flow(IpAddr.FromV4(0x0A000001), outside, 443, 1_000, T0);
        _networks = new NetworkEnricher([]);
        _networks.Enrich(_newHosts);
    }

    private NetworkEnricher _networks = null!;

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public int NewHostGroup()
    {
        _time += Second;
        var batch = _newHosts;
        for (int i = 0; i < batch.Length; i++)
        {
            // 10.0.0.0/8 has 16 million hosts: far more than any run creates.
            var host = IpAddr.FromV4(0x0A000000 + (++_nextHost & 0xFFFFFF));
            batch[i].Flow.SourceAddress = host;
            batch[i].Flow.EndNs = _time;
        }
        _networks.Enrich(batch); // sets host.ip and the upload bytes for the new source
        return _newHostEngine.Evaluate(batch);
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

    internal static string FindRepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "FlowRelay.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
