using FlowRelay.Emit;
using FlowRelay.Ingest;

namespace FlowRelay.Stats;

/// <summary>Everything the stats report reads from: listeners, queue, pipeline, sinks.</summary>
public sealed class RelayStatsSource(
    IEnumerable<UdpFlowReceiver> receivers,
    PacketChannel channel,
    PipelineCounters pipeline,
    IEnumerable<IFlowEventSink> sinks)
{
    public IReadOnlyList<UdpFlowReceiver> Receivers { get; } = receivers.ToList();
    public PacketChannel Channel { get; } = channel;
    public PipelineCounters Pipeline { get; } = pipeline;
    public NdjsonFileSink? Ndjson { get; } = sinks.OfType<NdjsonFileSink>().FirstOrDefault();
}
