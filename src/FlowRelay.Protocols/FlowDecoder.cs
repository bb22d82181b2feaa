using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Templates;

namespace FlowRelay.Protocols;

/// <summary>
/// Decodes NetFlow v1/v5/v7/v9 and IPFIX export packets, detecting the version from the header.
/// Holds the state decoding needs across packets (templates, sampler tables, data waiting for
/// its template, per-exporter counters). Not thread-safe: one decoder per pipeline worker.
/// Never throws on bad input: the result says what was wrong and counters record it.
/// </summary>
public sealed class FlowDecoder
{
    // CONTRACT STUB — to be implemented (helper A).
    public FlowDecoder(FlowDecoderOptions options) => throw new NotImplementedException();

    /// <summary>Counters per exporter and in total.</summary>
    public FlowDecoderCounters Counters => throw new NotImplementedException();

    /// <summary>Templates learned so far.</summary>
    public TemplateCache Templates => throw new NotImplementedException();

    /// <summary>
    /// Decodes one export packet received from <paramref name="exporter"/> at <paramref name="receivedNs"/>
    /// (Unix ns). Each record is passed to <paramref name="sink"/>; records of earlier packets that
    /// were waiting for a template carried by this packet are passed too.
    /// </summary>
    public DecodeResult Decode<TSink>(ReadOnlySpan<byte> packet, IpAddr exporter, long receivedNs, ref TSink sink)
        where TSink : struct, IFlowRecordSink => throw new NotImplementedException();

    /// <summary>Drops templates and waiting data older than their configured lifetimes.</summary>
    public void Expire(long nowNs) => throw new NotImplementedException();
}
