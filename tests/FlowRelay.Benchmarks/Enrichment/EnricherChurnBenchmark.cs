using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Benchmarks.Enrichment;

/// <summary>
/// One enricher over a stream of new batches, as the pipeline feeds it: 64 batches of 4,096 flows
/// built once and taken in turn, so the enricher's tables see new keys all the time and neither
/// the tables nor the batch are in the cache (unlike <see cref="EnrichmentStageBenchmark"/>, which
/// re-enriches one warm batch). Time per record.
/// </summary>
[MemoryDiagnoser]
public abstract class EnricherChurnBenchmark
{
    protected const int BatchSize = 4096, BatchCount = 64;
    protected const long T0 = 1_764_300_000_000_000_000;

    private IFlowEnricher _enricher = null!;
    private FlowEvent[][] _batches = [];
    private int _next;

    /// <summary>Builds the enricher and the batches (flow <c>n</c> of batch <c>b</c> filled by <paramref name="fill"/>).</summary>
    protected void Build(IFlowEnricher enricher, Action<int, int, FlowEvent[]> fill)
    {
        _enricher = enricher;
        _batches = new FlowEvent[BatchCount][];
        for (int b = 0; b < BatchCount; b++)
        {
            _batches[b] = new FlowEvent[BatchSize];
            for (int i = 0; i < BatchSize; i++) fill(b, i, _batches[b]);
        }
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public void EnrichNextBatch()
    {
        _enricher.Enrich(_batches[_next]);
        _next = (_next + 1) % BatchCount;
    }
}
