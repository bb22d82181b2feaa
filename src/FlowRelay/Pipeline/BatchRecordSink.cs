using System.Diagnostics.CodeAnalysis;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Pipeline;

/// <summary>Receives records from the decoder and appends them to the pipeline's current batch (no allocation).</summary>
public struct BatchRecordSink : IFlowRecordSink
{
    private readonly EventBatch<FlowEvent> _batch;

    public BatchRecordSink(EventBatch<FlowEvent> batch) => _batch = batch;

    /// <summary>The flow of the batch's next (reserved, zeroed) event: the decoder writes it in place.</summary>
    [UnscopedRef]
    public readonly ref FlowRecord Next() => ref _batch.Reserve().Flow;

    /// <summary>Keeps the event whose flow <see cref="Next"/> handed out.</summary>
    public readonly void OnRecord(ref FlowRecord record) => _batch.Commit();
}
