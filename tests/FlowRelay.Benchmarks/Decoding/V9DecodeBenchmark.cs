using BenchmarkDotNet.Attributes;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>NetFlow v9 decode, templates warm, 24 records per packet: time per record.</summary>
[MemoryDiagnoser]
public class V9DecodeBenchmark
{
    private readonly FlowDecoder _decoder = new(new FlowDecoderOptions());
    private readonly IpAddr _exporter = IpAddr.FromV4(0x0A000001);
    private byte[] _packet = [];

    [GlobalSetup]
    public void Setup()
    {
        var sink = new SummingSink();
        _decoder.Decode(BenchPackets.V9TemplatePacket(), _exporter, 1, ref sink);
        _packet = BenchPackets.V9DataPacket();
        if (_decoder.Decode(_packet, _exporter, 1, ref sink).Records != BenchPackets.V9Records)
            throw new InvalidOperationException("benchmark packet does not decode");
    }

    [Benchmark(OperationsPerInvoke = BenchPackets.V9Records)]
    public ulong DecodeV9Record()
    {
        var sink = new SummingSink();
        _decoder.Decode(_packet, _exporter, 2, ref sink);
        return sink.Bytes;
    }
}
