using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Enrichment;

/// <summary>
/// The DNS join as the load test drives it: every batch flows of 100,000 internal hosts to 65,536
/// internet addresses, looked up in the relay's default 262,144-answer tables (far larger than the
/// cache); fed with 100,000 answers (a third of the flows' destinations resolved by their own
/// client) or empty (a relay with no DNS log input). Time per record.
/// </summary>
[MemoryDiagnoser]
public class DnsJoinChurnBenchmark
{
    private const int BatchSize = 4096, Batches = 64;
    private const long T0 = 1_764_300_000_000_000_000;

    private DnsJoinEnricher _enricher = null!;
    private FlowEvent[][] _batches = [];
    private int _next;

    /// <summary>Whether the answer cache holds answers.</summary>
    [Params(true, false)]
    public bool Fed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(13);
        var cache = new DnsAnswerCache(262144, TimeSpan.FromMinutes(5), TimeSpan.FromHours(24));
        _enricher = new DnsJoinEnricher(cache);
        _batches = new FlowEvent[Batches][];
        for (int b = 0; b < Batches; b++)
        {
            var batch = _batches[b] = new FlowEvent[BatchSize];
            for (int i = 0; i < BatchSize; i++)
            {
                ref FlowRecord f = ref batch[i].Flow;
                f.SourceAddress = IpAddr.FromV4(0x0A000000 + (uint)random.Next(1, 100_001));
                f.DestinationAddress = IpAddr.FromV4(0x5DB80000 + (uint)random.Next(0, 65536));
                f.StartNs = T0 + (long)(b * BatchSize + i) * 1_000;
                batch[i].Direction = NetworkDirection.Outbound;
                if (Fed && (b * BatchSize + i) % 3 == 0 && cache.Added < 100_000)
                    cache.Add(f.SourceAddress, f.DestinationAddress, "host.example.com", 300, T0 - 1_000_000_000, "example.com");
            }
        }
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public void EnrichNextBatch()
    {
        _enricher.Enrich(_batches[_next]);
        _next = (_next + 1) % Batches;
    }
}
