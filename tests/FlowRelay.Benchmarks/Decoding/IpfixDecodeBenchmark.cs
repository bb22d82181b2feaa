using BenchmarkDotNet.Attributes;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>IPFIX decode, templates warm, 28 records per message (softflowd-like): time per record.</summary>
[MemoryDiagnoser]
public class IpfixDecodeBenchmark
{
    private readonly FlowDecoder _decoder = new(new FlowDecoderOptions());
    private readonly IpAddr _exporter = IpAddr.FromV4(0x0A000001);
    private byte[] _packet = [];

    [GlobalSetup]
    public void Setup()
    {
        var sink = new SummingSink();
        _decoder.Decode(BenchPackets.IpfixTemplateMessage(), _exporter, 1, ref sink);
        _packet = BenchPackets.IpfixDataMessage();
        if (_decoder.Decode(_packet, _exporter, 1, ref sink).Records != BenchPackets.IpfixRecords)
            throw new InvalidOperationException("benchmark packet does not decode");
    }

    [Benchmark(OperationsPerInvoke = BenchPackets.IpfixRecords)]
    public ulong DecodeIpfixRecord()
    {
        var sink = new SummingSink();
        _decoder.Decode(_packet, _exporter, 2, ref sink);
        return sink.Bytes;
    }
}
