namespace FlowRelay.Protocols.Flows;

/// <summary>Flags for the optional fields of a <see cref="FlowRecord"/> that were actually exported.</summary>
[Flags]
public enum FlowFields : uint
{
    None = 0,
    SourceAddress = 1 << 0,
    DestinationAddress = 1 << 1,
    Ports = 1 << 2,
    Protocol = 1 << 3,
    TcpFlags = 1 << 4,
    Bytes = 1 << 5,
    Packets = 1 << 6,
    ReverseCounters = 1 << 7,
    Interfaces = 1 << 8,
    NextHop = 1 << 9,
    AutonomousSystems = 1 << 10,
    Masks = 1 << 11,
    Start = 1 << 12,
    End = 1 << 13,
    Tos = 1 << 14,
    IcmpTypeCode = 1 << 15,
    VlanId = 1 << 16,
    FlowDirection = 1 << 17,
    FlowEndReason = 1 << 18,
}
