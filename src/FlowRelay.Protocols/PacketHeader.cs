using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols;

/// <summary>
/// What a data record needs from its packet's header. Kept by value beside data that waits for
/// its template, so late records get the times of the packet they came in.
/// </summary>
internal struct PacketHeader
{
    public IpAddr Exporter;
    public ushort Version;
    public uint DomainId;
    public uint Sequence;
    /// <summary>v5/v9 sysUptime in ms, the base of First/Last (RFC 3954 §5.1); unused by IPFIX.</summary>
    public uint SysUptimeMs;
    public long ExportNs;
    public long ReceivedNs;
}
