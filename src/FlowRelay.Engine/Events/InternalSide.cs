namespace FlowRelay.Engine.Events;

/// <summary>Which side of a flow is the internal host, for upload/download accounting (set for inbound and outbound flows only).</summary>
public enum InternalSide : byte
{
    None = 0,
    Source,
    Destination,
}
