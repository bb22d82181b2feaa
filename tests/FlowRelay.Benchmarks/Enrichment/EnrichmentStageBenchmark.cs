using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Benchmarks.Enrichment;

/// <summary>
/// Each enricher of <see cref="EnrichmentBenchmark.EnrichAll"/> on its own, over the same batch
/// (already enriched once by the whole chain, so the later stages read what the earlier ones set):
/// where the chain's time per record goes.
/// </summary>
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class EnrichmentStageBenchmark
{
    private const int BatchSize = 1024;

    private readonly EnrichmentBenchmark _workload = new();
    private FlowEvent[] _batch = [];
    private IFlowEnricher _stage = null!;

    /// <summary>The enricher measured, by type name.</summary>
    [Params("CommunityIdEnricher", "NetworkEnricher", "ClientServerEnricher", "AssetEnricher", "DnsJoinEnricher", "ServiceNameEnricher")]
    public string Stage { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _workload.Setup();
        _batch = _workload.Batch;
        _stage = _workload.Chain.Single(e => e.GetType().Name == Stage);
    }

    [GlobalCleanup]
    public void Cleanup() => _workload.Cleanup();

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public void EnrichStage() => _stage.Enrich(_batch);
}
