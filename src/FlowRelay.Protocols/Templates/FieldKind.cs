namespace FlowRelay.Protocols.Templates;

/// <summary>
/// What the decoder does with one template field. Templates are compiled to an array of these
/// so the per-record loop is a switch, never a dictionary lookup per field.
/// </summary>
internal enum FieldKind : byte
{
    Skip = 0,
    SourceV4, DestinationV4, SourceV6, DestinationV6, NextHopV4, NextHopV6,
    SourcePort, DestinationPort, Protocol, Tos, TcpFlags,
    Bytes, Packets, BytesTotal, PacketsTotal,
    ReverseBytes, ReversePackets, ReverseBytesTotal, ReversePacketsTotal,
    InitiatorOctets, ResponderOctets, InitiatorPackets, ResponderPackets,
    InputInterface, OutputInterface, SourceAs, DestinationAs, SourceMask, DestinationMask,
    EndSysUpTime, StartSysUpTime,
    IcmpTypeCode, IcmpType, IcmpCode,
    VlanId, FlowDirection, FlowEndReason,
    StartSeconds, EndSeconds, StartMilliseconds, EndMilliseconds,
    StartNtpMicro, EndNtpMicro, StartNtp, EndNtp, StartDeltaMicroseconds, EndDeltaMicroseconds,
    SystemInitTimeMilliseconds,
    SamplingInterval, SamplingAlgorithm, SamplerId, SamplerMode, SamplerRandomInterval,
    SelectorId, SelectorAlgorithm, SamplingPacketInterval, SamplingPacketSpace,
}
