using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Enrichment;

/// <summary>
/// The DNS join as the load test drives it: every batch flows of 100,000 internal hosts to 65,536
/// internet addresses, looked up in the relay's default 262,144-answer tables (far larger than the
/// cache); fed with 100,000 answers (a third of the flows' destinations resolved by their own
/// client) or empty (a relay with no DNS log input).
/// </summary>
public class DnsJoinChurnBenchmark : EnricherChurnBenchmark
{
    /// <summary>Whether the answer cache holds answers.</summary>
    [Params(true, false)]
    public bool Fed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(13);
        var cache = new DnsAnswerCache(262144, TimeSpan.FromMinutes(5), TimeSpan.FromHours(24));
        Build(new DnsJoinEnricher(cache), (b, i, batch) =>
        {
            ref FlowRecord f = ref batch[i].Flow;
            f.SourceAddress = IpAddr.FromV4(0x0A000000 + (uint)random.Next(1, 100_001));
            f.DestinationAddress = IpAddr.FromV4(0x5DB80000 + (uint)random.Next(0, 65536));
            f.StartNs = T0 + (long)(b * BatchSize + i) * 1_000;
            batch[i].Direction = NetworkDirection.Outbound;
            if (Fed && (b * BatchSize + i) % 3 == 0 && cache.Added < 100_000)
                cache.Add(f.SourceAddress, f.DestinationAddress, "host.example.com", 300, T0 - 1_000_000_000, "example.com");
        });
    }
}
