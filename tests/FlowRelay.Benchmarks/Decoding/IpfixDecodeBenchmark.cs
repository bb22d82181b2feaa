using BenchmarkDotNet.Attributes;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>IPFIX decode, templates warm, 28 records per message: time per record.</summary>
[MemoryDiagnoser]
public class IpfixDecodeBenchmark
{
    private readonly FlowDecoder _decoder = new(new FlowDecoderOptions());
    private readonly IpAddr _exporter = IpAddr.FromV4(0x0A000001);
    private byte[] _softflowd = [];
    private byte[] _milliseconds = [];

    [GlobalSetup]
    public void Setup()
    {
        var sink = new SummingSink();
        _decoder.Decode(BenchPackets.SoftflowdTemplateMessage(), _exporter, 1, ref sink);
        _decoder.Decode(BenchPackets.IpfixTemplateMessage(), _exporter, 1, ref sink);
        _softflowd = BenchPackets.SoftflowdDataMessage();
        _milliseconds = BenchPackets.IpfixDataMessage();
        foreach (var p in new[] { _softflowd, _milliseconds })
            if (_decoder.Decode(p, _exporter, 1, ref sink).Records != BenchPackets.IpfixRecords)
                throw new InvalidOperationException("benchmark packet does not decode");
    }

    /// <summary>softflowd's layout: 16 fields, sysUpTime times resolved through systemInitTimeMilliseconds.</summary>
    [Benchmark(OperationsPerInvoke = BenchPackets.IpfixRecords)]
    public ulong DecodeIpfixRecordSoftflowd()
    {
        var sink = new SummingSink();
        _decoder.Decode(_softflowd, _exporter, 2, ref sink);
        return sink.Bytes;
    }

    /// <summary>15 fields with 8-byte counters and flowStart/EndMilliseconds.</summary>
    [Benchmark(OperationsPerInvoke = BenchPackets.IpfixRecords)]
    public ulong DecodeIpfixRecordMilliseconds()
    {
        var sink = new SummingSink();
        _decoder.Decode(_milliseconds, _exporter, 2, ref sink);
        return sink.Bytes;
    }
}
