using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Enrich;

/// <summary>One enrichment step over a batch of flows. Must not allocate per event.</summary>
public interface IFlowEnricher
{
    /// <summary>Adds this enricher's fields to every event of the batch.</summary>
    void Enrich(Span<FlowEvent> events);

    /// <summary>
    /// True when the fields this enricher sets are only written into flow documents: no other
    /// enricher reads them, and the rules' field accessors and alert samples compute them on demand
    /// for an event that lacks them. The pipeline skips such an enricher when no sink writes flow
    /// documents (the detection path, <see cref="FlowRelay.Engine.Rules.IFlowRuleStage"/> and alerts only).
    /// </summary>
    bool DocumentsOnly => false;
}
