using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Pipeline;

/// <summary>Receives records from the decoder and appends them to the pipeline's current batch (no allocation).</summary>
public struct BatchRecordSink : IFlowRecordSink
{
    private readonly EventBatch<FlowEvent> _batch;

    public BatchRecordSink(EventBatch<FlowEvent> batch) => _batch = batch;

    public readonly void OnRecord(ref FlowRecord record)
    {
        ref var e = ref _batch.Add();
        e.Flow = record;
    }
}
