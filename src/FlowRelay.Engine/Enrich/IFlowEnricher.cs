using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Enrich;

/// <summary>One enrichment step over a batch of flows. Must not allocate per event.</summary>
public interface IFlowEnricher
{
    /// <summary>Adds this enricher's fields to every event of the batch.</summary>
    void Enrich(Span<FlowEvent> events);
}
