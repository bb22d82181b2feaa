using System.Buffers.Binary;
using System.Net;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Tests.Support;

/// <summary>Reads classic pcap files (as dumpcap -P writes them) and yields each UDP payload.</summary>
public static class PcapReader
{
    public sealed record Frame(long TimeNs, IpAddr Source, byte[] UdpPayload);

    public static List<(long TimeNs, byte[] Data, int LinkType)> ReadFrames(string path)
    {
        var bytes = File.ReadAllBytes(path);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        bool le = magic is 0xa1b2c3d4 or 0xa1b23c4d;
        if (!le && BinaryPrimitives.ReadUInt32BigEndian(bytes) is not (0xa1b2c3d4 or 0xa1b23c4d))
            throw new InvalidDataException($"{path}: not a classic pcap file");
        uint m = le ? magic : BinaryPrimitives.ReadUInt32BigEndian(bytes);
        bool nanos = m == 0xa1b23c4d;
        uint U32(int o) => le ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(o)) : BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(o));
        int linkType = (int)U32(20);
        var frames = new List<(long, byte[], int)>();
        for (int pos = 24; pos + 16 <= bytes.Length;)
        {
            long secs = U32(pos), frac = U32(pos + 4);
            int capLen = (int)U32(pos + 8);
            pos += 16;
            frames.Add((secs * 1_000_000_000 + (nanos ? frac : frac * 1000), bytes.AsSpan(pos, capLen).ToArray(), linkType));
            pos += capLen;
        }
        return frames;
    }

    public static List<Frame> ReadUdp(string path)
    {
        var result = new List<Frame>();
        foreach (var (time, data, linkType) in ReadFrames(path))
        {
            int off = linkType switch { 1 => 14, 113 => 16, 276 => 20, _ => throw new InvalidDataException($"link type {linkType}") };
            int etherType = linkType == 1 ? data[12] << 8 | data[13] : linkType == 113 ? data[14] << 8 | data[15] : data[0] << 8 | data[1];
            IpAddr src;
            int udp;
            if (etherType == 0x0800)
            {
                if (data[off + 9] != 17) continue;
                src = IpAddr.FromV4(data.AsSpan(off + 12, 4));
                udp = off + (data[off] & 0x0f) * 4;
            }
            else if (etherType == 0x86DD)
            {
                if (data[off + 6] != 17) continue;
                src = IpAddr.FromV6(data.AsSpan(off + 8, 16));
                udp = off + 40;
            }
            else continue;
            int udpLen = data[udp + 4] << 8 | data[udp + 5];
            result.Add(new Frame(time, src, data.AsSpan(udp + 8, Math.Min(udpLen - 8, data.Length - udp - 8)).ToArray()));
        }
        return result;
    }
}
