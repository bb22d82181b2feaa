using FlowRelay.Engine.Events;

namespace FlowRelay.Emit;

/// <summary>
/// The last stage of the flow pipeline: somewhere events go. All methods are called from the
/// pipeline's emitter thread only (see <see cref="FlowRelay.Pipeline.FlowPipeline"/>), so
/// implementations need no locking for these calls. A sink that is also an alert sink is called
/// from the rule stage too and must lock (see <see cref="AlertNdjsonSink"/>).
/// </summary>
public interface IFlowEventSink
{
    /// <summary>Name used in logs and stats (e.g. <c>ndjson</c>).</summary>
    string Name { get; }

    /// <summary>
    /// False for a sink that ignores the flows it is given (it is a sink only for the pipeline's
    /// housekeeping). When no sink writes flows, the pipeline skips the enrichers whose fields only
    /// documents carry (<see cref="FlowRelay.Engine.Enrich.IFlowEnricher.DocumentsOnly"/>).
    /// </summary>
    bool WritesFlows => true;

    /// <summary>Takes a batch of events; may buffer them.</summary>
    void Write(ReadOnlySpan<FlowEvent> events);

    /// <summary>Time-driven work (periodic flush, age-based rotation); called at least once per housekeeping tick.</summary>
    void Tick(DateTimeOffset now);

    /// <summary>Makes everything written so far durable.</summary>
    void Flush();

    /// <summary>Flushes and releases resources; called once when the pipeline stops.</summary>
    void Close();
}
