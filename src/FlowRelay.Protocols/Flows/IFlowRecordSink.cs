namespace FlowRelay.Protocols.Flows;

/// <summary>
/// Receives decoded records. Decoders are generic over a struct implementing this, so the call is
/// devirtualised and inlined on the hot path. The record is only valid during the call.
/// </summary>
public interface IFlowRecordSink
{
    /// <summary>Called once per decoded record.</summary>
    void OnRecord(ref FlowRecord record);
}
