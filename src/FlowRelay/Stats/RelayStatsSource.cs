using FlowRelay.Engine.Counters;
using FlowRelay.Emit;
using FlowRelay.Ingest;

namespace FlowRelay.Stats;

/// <summary>Everything the stats report reads from: listeners, queue, pipeline, sinks.</summary>
public sealed class RelayStatsSource(
    IEnumerable<UdpFlowReceiver> receivers,
    PacketChannel channel,
    PipelineCounters pipeline,
    IEnumerable<IFlowEventSink> sinks,
    IEnumerable<ICounterSource> components)
{
    public IReadOnlyList<UdpFlowReceiver> Receivers { get; } = receivers.ToList();
    public PacketChannel Channel { get; } = channel;
    public PipelineCounters Pipeline { get; } = pipeline;
    public NdjsonFileSink? Ndjson { get; } = sinks.OfType<NdjsonFileSink>().FirstOrDefault();

    /// <summary>Pipeline components with bounded state of their own (enrichment tables, rule state ...).</summary>
    public IReadOnlyList<ICounterSource> Components { get; } = components.ToList();
}
