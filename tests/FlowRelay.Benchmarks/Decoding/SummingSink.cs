using FlowRelay.Protocols.Flows;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>A sink that touches each record so the decoding cannot be optimised away.</summary>
public struct SummingSink : IFlowRecordSink
{
    public ulong Bytes;
    public long EndNs;

    public void OnRecord(ref FlowRecord record)
    {
        Bytes += record.Bytes;
        EndNs ^= record.EndNs;
    }
}
