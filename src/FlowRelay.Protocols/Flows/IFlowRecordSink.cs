namespace FlowRelay.Protocols.Flows;

/// <summary>
/// Receives decoded records. Decoders are generic over a struct implementing this, so the call is
/// devirtualised and inlined on the hot path. The record is only valid during the call.
/// </summary>
public interface IFlowRecordSink
{
    /// <summary>
    /// Where the decoder builds the next record, zeroed. The decoder fills it in place and passes
    /// the same reference to <see cref="OnRecord"/>, or asks again without passing it when the record
    /// turns out malformed. A sink that keeps records (the pipeline's event batch) hands out its own
    /// next slot, so a record is written once, where it stays, instead of built and then copied.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnscopedRef]
    ref FlowRecord Next();

    /// <summary>Called once per decoded record, with the reference <see cref="Next"/> returned.</summary>
    void OnRecord(ref FlowRecord record);
}
