using System.Diagnostics.CodeAnalysis;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Tests.Support;

/// <summary>A sink that keeps copies of the records (tests only; allocates).</summary>
public struct CollectingSink : IFlowRecordSink
{
    public List<FlowRecord> Records;

    public CollectingSink() => Records = new();

    private FlowRecord _next;

    [UnscopedRef]
    public ref FlowRecord Next()
    {
        _next = default;
        return ref _next;
    }

    public void OnRecord(ref FlowRecord record) => Records.Add(record);
}

/// <summary>A sink that only sums, allocating nothing.</summary>
public struct CountingSink : IFlowRecordSink
{
    public long Count;
    public ulong Bytes;

    private FlowRecord _next;

    [UnscopedRef]
    public ref FlowRecord Next()
    {
        _next = default;
        return ref _next;
    }

    public void OnRecord(ref FlowRecord record)
    {
        Count++;
        Bytes += record.Bytes;
    }
}

public static class DecoderExtensions
{
    public static readonly Flows.IpAddr Exporter = Flows.IpAddr.FromV4(0x0A000001);
    public const long Now = 1_700_000_005_000_000_000;

    public static (DecodeResult Result, List<FlowRecord> Records) DecodeAll(this FlowDecoder d, byte[] packet, Flows.IpAddr? exporter = null, long now = Now)
    {
        var sink = new CollectingSink();
        var r = d.Decode(packet, exporter ?? Exporter, now, ref sink);
        return (r, sink.Records);
    }
}
