namespace FlowRelay.LoadGen;

/// <summary>
/// The templates softflowd exports (read from tests/FlowRelay.Protocols.Tests/Captures): the same
/// 16 fields for IPv4 (template 1024) and IPv6 (template 2048), in the same order and sizes, so
/// the generated export exercises the decoder's real-world path.
/// </summary>
public static class SoftflowdLayout
{
    public const ushort Ipv4Template = 1024;
    public const ushort Ipv6Template = 2048;
    public const ushort OptionsTemplate = 256;

    /// <summary>(information element, length) of template 1024 / 2048; the address length differs.</summary>
    public static (ushort Id, ushort Length)[] Fields(bool ipv6) =>
    [
        (ipv6 ? (ushort)27 : (ushort)8, ipv6 ? (ushort)16 : (ushort)4),   // source address
        (ipv6 ? (ushort)28 : (ushort)12, ipv6 ? (ushort)16 : (ushort)4),  // destination address
        (22, 4),  // flowStartSysUpTime / FIRST_SWITCHED
        (21, 4),  // flowEndSysUpTime / LAST_SWITCHED
        (1, 4),   // octetDeltaCount
        (2, 4),   // packetDeltaCount
        (10, 4),  // ingressInterface
        (14, 4),  // egressInterface
        (61, 1),  // flowDirection
        (136, 1), // flowEndReason
        (7, 2),   // sourceTransportPort
        (11, 2),  // destinationTransportPort
        (4, 1),   // protocolIdentifier
        (6, 1),   // tcpControlBits
        (60, 1),  // ipVersion
        (5, 1),   // ipClassOfService
    ];

    /// <summary>Bytes of one data record.</summary>
    public static int RecordLength(bool ipv6) => ipv6 ? 66 : 42;

    // Offsets inside a record (addresses first, then the fixed part).
    public static int SrcOffset(bool ipv6) => 0;
    public static int DstOffset(bool ipv6) => ipv6 ? 16 : 4;
    public static int FirstOffset(bool ipv6) => ipv6 ? 32 : 8;
    public static int LastOffset(bool ipv6) => ipv6 ? 36 : 12;
    public static int BytesOffset(bool ipv6) => ipv6 ? 40 : 16;
    public static int PacketsOffset(bool ipv6) => ipv6 ? 44 : 20;
    public static int TailOffset(bool ipv6) => ipv6 ? 48 : 24; // ingress interface onwards
}
