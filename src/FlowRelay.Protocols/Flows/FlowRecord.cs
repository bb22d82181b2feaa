namespace FlowRelay.Protocols.Flows;

/// <summary>
/// One decoded flow record, the same shape whatever the wire format (NetFlow v1/v5/v7/v9, IPFIX).
/// A mutable struct with public fields: decoders fill it in place and hand it to a sink by
/// reference, so decoding allocates nothing per record. Fields the exporter did not send stay
/// at their defaults and are flagged absent in <see cref="Present"/>.
/// </summary>
public struct FlowRecord
{
    /// <summary>Address of the exporter the packet came from (the UDP source).</summary>
    public IpAddr Exporter;

    /// <summary>Wire format version: 1, 5, 7, 9 or 10 (IPFIX).</summary>
    public ushort Version;

    /// <summary>v9 source id or IPFIX observation domain id (v5/v7: engine type &lt;&lt; 8 | engine id).</summary>
    public uint SourceId;

    /// <summary>Template the record was decoded with (0 for fixed-format versions).</summary>
    public ushort TemplateId;

    /// <summary>Export packet sequence number from the header.</summary>
    public uint Sequence;

    public IpAddr SourceAddress;
    public IpAddr DestinationAddress;
    public IpAddr NextHop;
    public ushort SourcePort;
    public ushort DestinationPort;

    /// <summary>IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 ...).</summary>
    public byte Protocol;

    /// <summary>Cumulative TCP flags (the low byte of tcpControlBits).</summary>
    public byte TcpFlags;

    /// <summary>IP type of service / traffic class.</summary>
    public byte Tos;

    /// <summary>ICMP type and code as type*256+code, when the exporter sends them.</summary>
    public ushort IcmpTypeCode;

    /// <summary>Bytes from source to destination, scaled by <see cref="SamplingRate"/>.</summary>
    public ulong Bytes;

    /// <summary>Packets from source to destination, scaled by <see cref="SamplingRate"/>.</summary>
    public ulong Packets;

    /// <summary>Bytes exactly as exported (before sampling scale-up).</summary>
    public ulong RawBytes;

    /// <summary>Packets exactly as exported (before sampling scale-up).</summary>
    public ulong RawPackets;

    /// <summary>Bytes from destination to source (RFC 5103 biflow reverse elements), scaled.</summary>
    public ulong ReverseBytes;

    /// <summary>Packets from destination to source (RFC 5103 biflow reverse elements), scaled.</summary>
    public ulong ReversePackets;

    /// <summary>The 1-in-N rate applied to the counters; 1 when unsampled.</summary>
    public uint SamplingRate;

    /// <summary>Where <see cref="SamplingRate"/> came from.</summary>
    public SamplingSource SamplingSource;

    public uint InputInterface;
    public uint OutputInterface;
    public uint SourceAs;
    public uint DestinationAs;
    public byte SourceMask;
    public byte DestinationMask;
    public ushort VlanId;

    /// <summary>flowDirection (IE 61): 0 ingress, 1 egress; 255 when not sent.</summary>
    public byte FlowDirection;

    /// <summary>flowEndReason (IE 136); 0 when not sent.</summary>
    public byte FlowEndReason;

    /// <summary>Flow start, Unix time in nanoseconds (0 when unknown).</summary>
    public long StartNs;

    /// <summary>Flow end, Unix time in nanoseconds (0 when unknown).</summary>
    public long EndNs;

    /// <summary>When the relay received the export packet, Unix time in nanoseconds.</summary>
    public long ReceivedNs;

    /// <summary>Export time from the packet header, Unix time in nanoseconds.</summary>
    public long ExportNs;

    /// <summary>Which optional fields the record carries.</summary>
    public FlowFields Present;

    /// <summary>Clears the record for reuse, keeping nothing from the previous one.</summary>
    public void Reset() => this = default;
}
