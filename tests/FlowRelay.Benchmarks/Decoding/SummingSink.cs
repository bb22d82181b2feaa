using System.Diagnostics.CodeAnalysis;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>A sink that touches each record so the decoding cannot be optimised away.</summary>
public struct SummingSink : IFlowRecordSink
{
    public ulong Bytes;
    public long EndNs;

    private FlowRecord _next;

    [UnscopedRef]
    public ref FlowRecord Next()
    {
        _next = default;
        return ref _next;
    }

    public void OnRecord(ref FlowRecord record)
    {
        Bytes += record.Bytes;
        EndNs ^= record.EndNs;
    }
}
