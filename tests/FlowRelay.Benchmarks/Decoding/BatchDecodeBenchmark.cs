using BenchmarkDotNet.Attributes;
using FlowRelay.Engine.Events;
using FlowRelay.Pipeline;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>
/// IPFIX decode as the pipeline's decode thread does it: softflowd's layout into the pipeline's
/// event batch through <see cref="BatchRecordSink"/>, a whole batch (<see cref="FlowPipeline.BatchSize"/>
/// records, larger than the L2 cache) per operation. Time per record; compare with
/// <see cref="IpfixDecodeBenchmark"/>, whose sink keeps nothing.
/// </summary>
[MemoryDiagnoser]
public class BatchDecodeBenchmark
{
    private readonly FlowDecoder _decoder = new(new FlowDecoderOptions());
    private readonly IpAddr _exporter = IpAddr.FromV4(0x0A000001);
    private readonly EventBatch<FlowEvent> _batch = new(FlowPipeline.BatchSize * 2);
    private byte[] _packet = [];
    private const int Packets = FlowPipeline.BatchSize / BenchPackets.IpfixRecords;

    [GlobalSetup]
    public void Setup()
    {
        var sink = new SummingSink();
        _decoder.Decode(BenchPackets.SoftflowdTemplateMessage(), _exporter, 1, ref sink);
        _packet = BenchPackets.SoftflowdDataMessage();
        if (_decoder.Decode(_packet, _exporter, 1, ref sink).Records != BenchPackets.IpfixRecords)
            throw new InvalidOperationException("benchmark packet does not decode");
    }

    [Benchmark(OperationsPerInvoke = Packets * BenchPackets.IpfixRecords)]
    public int DecodeIpfixIntoBatch()
    {
        _batch.Clear();
        var sink = new BatchRecordSink(_batch);
        for (int i = 0; i < Packets; i++) _decoder.Decode(_packet, _exporter, 2, ref sink);
        return _batch.Count;
    }
}
