using System.Buffers.Binary;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// Reads the UDP payloads out of a classic libpcap file (what dumpcap -P and tshark -F pcap
/// write): Ethernet (what Linux captures on lo and veth) or Linux cooked frames, IPv4 or IPv6.
/// </summary>
public static class PcapReader
{
    public sealed record UdpDatagram(int SourcePort, int DestinationPort, byte[] Payload);

    public static List<UdpDatagram> ReadUdp(string path)
    {
        var data = File.ReadAllBytes(path);
        var result = new List<UdpDatagram>();
        if (data.Length < 24) throw new InvalidDataException($"{path}: too short for a pcap header");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(data);
        bool little = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        if (!little && magic is not (0xd4c3b2a1 or 0x4d3cb2a1))
            throw new InvalidDataException($"{path}: not a classic pcap file (magic {magic:x8}); write it with -F pcap");
        uint U32(int at) => little ? BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(at));
        uint linkType = U32(20);
        int offset = 24;
        while (offset + 16 <= data.Length)
        {
            int captured = (int)U32(offset + 8);
            int original = (int)U32(offset + 12);
            offset += 16;
            if (captured < original) throw new InvalidDataException($"{path}: a packet is truncated by the snap length");
            var frame = data.AsSpan(offset, Math.Min(captured, data.Length - offset));
            offset += captured;
            var datagram = Udp(frame, linkType);
            if (datagram is not null) result.Add(datagram);
        }
        return result;
    }

    private static UdpDatagram? Udp(ReadOnlySpan<byte> frame, uint linkType)
    {
        int etherType;
        ReadOnlySpan<byte> ip;
        switch (linkType)
        {
            case 1: // DLT_EN10MB
                if (frame.Length < 14) return null;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
                ip = frame[14..];
                break;
            case 113: // DLT_LINUX_SLL
                if (frame.Length < 16) return null;
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
                ip = frame[16..];
                break;
            default:
                throw new NotSupportedException($"pcap link type {linkType}");
        }
        ReadOnlySpan<byte> udp;
        if (etherType == 0x0800 && ip.Length >= 20 && ip[9] == 17)
            udp = ip[((ip[0] & 0x0f) * 4)..];
        else if (etherType == 0x86dd && ip.Length >= 40 && ip[6] == 17)
            udp = ip[40..];
        else
            return null;
        if (udp.Length < 8) return null;
        int length = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        return new UdpDatagram(
            BinaryPrimitives.ReadUInt16BigEndian(udp),
            BinaryPrimitives.ReadUInt16BigEndian(udp[2..]),
            udp[8..Math.Min(length, udp.Length)].ToArray());
    }
}
