using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FlowRelay.Benchmarks.Enrichment;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;

namespace FlowRelay.Benchmarks.Ecs;

/// <summary>
/// ECS serialisation of flows that went through every enricher (GeoIP included), as the NDJSON
/// and Elasticsearch outputs write them: one document per record into a reused buffer. Documents
/// per second per core = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class FlowDocumentBenchmark
{
    private const int BatchSize = 1024;
    private FlowEvent[] _batch = [];
    private readonly ArrayBufferWriter<byte> _buffer = new(8 * 1024 * 1024);
    private Utf8JsonWriter _writer = null!;

    [GlobalSetup]
    public void Setup()
    {
        var enrichment = new EnrichmentBenchmark();
        enrichment.Setup();
        enrichment.EnrichAllWithGeoIp();
        _batch = enrichment.Batch;
        enrichment.Cleanup();
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>
    /// Per document, through a Utf8JsonWriter with the default encoder (the figure measured since
    /// issue 4; tests and the index-template check still write this way).
    /// </summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public long WriteEnrichedDocuments()
    {
        _buffer.ResetWrittenCount();
        for (int i = 0; i < _batch.Length; i++)
        {
            _writer.Reset(_buffer);
            FlowDocumentWriter.Write(_writer, _batch[i]);
            _writer.Flush();
        }
        return _buffer.WrittenCount;
    }

    /// <summary>
    /// Per document, written as the NDJSON and Elasticsearch outputs write it: straight into their
    /// buffer, UnsafeRelaxedJsonEscaping's escaping (the target: at least 1 million per second
    /// per core, 0 bytes).
    /// </summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public long WriteEnrichedDocumentsAsTheSinks()
    {
        _buffer.ResetWrittenCount();
        for (int i = 0; i < _batch.Length; i++) FlowDocumentWriter.Write(_buffer, _batch[i]);
        return _buffer.WrittenCount;
    }
}
