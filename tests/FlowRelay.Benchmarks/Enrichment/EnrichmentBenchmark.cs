using System.Net;
using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Enrichment;

/// <summary>
/// The enrichment stage over a batch of 1024 flows (outbound/inbound pairs, IPv6 DNS, internal
/// traffic) with every enricher in RelayHost's order: time and allocation per record. GeoIP runs
/// only in its own benchmark, against MaxMind's test databases with a warm cache.
/// <para>
/// Every invocation enriches the same 1024 records again. No enricher of <see cref="EnrichAll"/>
/// keeps results to reuse: each record's Community ID is hashed, its zones searched, its reverse
/// record and DNS answers looked up, every time. So the repetition skips no work. What it does
/// flatter is memory: the batch's keys are already in the pairing table (each record updates its
/// entry in place, where live traffic inserts and evicts), and the table lines the batch touches
/// stay in cache. <see cref="EnrichAllWithGeoIp"/> does reuse: GeoIP answers come from its cache,
/// warm on purpose.
/// </para>
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class EnrichmentBenchmark
{
    private const int BatchSize = 1024;
    private const long T0 = 1_764_300_000_000_000_000;

    private FlowEvent[] _batch = [];
    private IFlowEnricher[] _chain = [];
    private IFlowEnricher[] _chainWithGeo = [];
    private GeoIpLookup? _geo;

    [GlobalSetup]
    public void Setup()
    {
        var cache = new DnsAnswerCache(262144, TimeSpan.FromMinutes(5), TimeSpan.FromHours(24));
        var assets = AssetInventory.FromEntries([
            (IPNetwork.Parse("10.0.0.0/16"), new AssetInfo { Name = "office", Owner = "it", Criticality = "low" }),
            (IPNetwork.Parse("10.0.5.20/32"), new AssetInfo { Name = "db-1", Owner = "data", Criticality = "critical" }),
        ]);
        _batch = new FlowEvent[BatchSize];
        var random = new Random(7);
        for (int i = 0; i < BatchSize; i++)
        {
            var inside = IpAddr.FromV4(0x0A000000 + (uint)random.Next(1, 4096));
            var outside = IpAddr.FromV4(0x5DB8D800 + (uint)random.Next(1, 256));
            if (i % 3 == 0) cache.Add(inside, outside, "www.example.com", 300, T0 - 1_000_000_000, "example.com");
            _batch[i] = (i % 4) switch
            {
                0 => Flow(inside, outside, (ushort)(40000 + i), 443, 6, T0),
                1 => Flow(outside, inside, 443, (ushort)(40000 + i), 6, T0 + 1000),
                2 => Flow(IpAddr.From(IPAddress.Parse("fd00::5")), IpAddr.From(IPAddress.Parse("2001:4860::8888")), (ushort)(50000 + i), 53, 17, T0),
                _ => Flow(inside, IpAddr.FromV4(0x0A000514), (ushort)(30000 + i), 5432, 6, T0),
            };
        }
        _chain =
        [
            new CommunityIdEnricher(),
            new NetworkEnricher(new Dictionary<string, List<string>> { ["servers"] = ["10.0.5.0/24"] }, new Dictionary<string, List<string>> { ["hq"] = ["10.0.0.0/8"] }),
            new ClientServerEnricher(TimeSpan.FromSeconds(30), 65536, [8080]),
            new AssetEnricher(assets),
            new DnsJoinEnricher(cache),
            new ServiceNameEnricher(),
        ];
        string dir = Path.Combine(FindRepoRoot(), "tests", "FlowRelay.Engine.Tests", "Enrich", "MaxMind");
        _geo = new GeoIpLookup(Path.Combine(dir, "GeoIP2-City-Test.mmdb"), Path.Combine(dir, "GeoLite2-ASN-Test.mmdb"), 65536);
        _chainWithGeo = [.. _chain, new GeoIpEnricher(_geo)];
        EnrichAll();
        EnrichAllWithGeoIp();
    }

    [GlobalCleanup]
    public void Cleanup() => _geo?.Dispose();

    /// <summary>The batch as the enrichers left it (for benchmarks of the later stages).</summary>
    internal FlowEvent[] Batch => _batch;

    /// <summary>The enrichers of <see cref="EnrichAll"/>, in order (for the per-stage benchmark).</summary>
    internal IFlowEnricher[] Chain => _chain;

    /// <summary>Every enricher but GeoIP (the target: under 200 ns and 0 bytes per record).</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public void EnrichAll()
    {
        foreach (var enricher in _chain) enricher.Enrich(_batch);
    }

    /// <summary>Every enricher, GeoIP answering from its warm cache.</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public void EnrichAllWithGeoIp()
    {
        foreach (var enricher in _chainWithGeo) enricher.Enrich(_batch);
    }

    private static FlowEvent Flow(IpAddr src, IpAddr dst, ushort sport, ushort dport, byte proto, long start)
    {
        var e = new FlowEvent();
        ref FlowRecord f = ref e.Flow;
        f.Exporter = IpAddr.FromV4(0xC0000201);
        (f.SourceAddress, f.DestinationAddress, f.SourcePort, f.DestinationPort, f.Protocol) = (src, dst, sport, dport, proto);
        (f.Bytes, f.Packets, f.TcpFlags) = (12_000, 20, 0x1B);
        (f.StartNs, f.EndNs, f.ReceivedNs) = (start, start + 2_000_000_000, start + 3_000_000_000);
        f.Present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.Ports | FlowFields.Protocol |
                    FlowFields.Bytes | FlowFields.Packets | FlowFields.TcpFlags | FlowFields.Start | FlowFields.End;
        return e;
    }

    private static string FindRepoRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "FlowRelay.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("run the benchmarks from inside the repository");
    }
}
