using BenchmarkDotNet.Attributes;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>NetFlow v5 decode, 30 records per packet: time per record.</summary>
[MemoryDiagnoser]
public class V5DecodeBenchmark
{
    private readonly FlowDecoder _decoder = new(new FlowDecoderOptions());
    private readonly IpAddr _exporter = IpAddr.FromV4(0x0A000001);
    private byte[] _packet = [];

    [GlobalSetup]
    public void Setup()
    {
        _packet = BenchPackets.V5Packet();
        var sink = new SummingSink();
        if (_decoder.Decode(_packet, _exporter, 1, ref sink).Records != BenchPackets.V5Records)
            throw new InvalidOperationException("benchmark packet does not decode");
    }

    [Benchmark(OperationsPerInvoke = BenchPackets.V5Records)]
    public ulong DecodeV5Record()
    {
        var sink = new SummingSink();
        _decoder.Decode(_packet, _exporter, 2, ref sink);
        return sink.Bytes;
    }
}
