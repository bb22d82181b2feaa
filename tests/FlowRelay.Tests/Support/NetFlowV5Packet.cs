using System.Buffers.Binary;
using System.Net;

namespace FlowRelay.Tests;

/// <summary>Builds NetFlow v5 export packets by hand (header 24 bytes, records 48 bytes, Cisco's published layout).</summary>
internal static class NetFlowV5Packet
{
    public sealed record Flow(string Src, string Dst, ushort SrcPort, ushort DstPort, byte Protocol, uint Packets, uint Bytes, uint FirstMs, uint LastMs, byte TcpFlags = 0x1b);

    public static byte[] Build(uint sysUptimeMs, uint unixSecs, uint sequence, params Flow[] flows)
    {
        var p = new byte[24 + 48 * flows.Length];
        var s = p.AsSpan();
        BinaryPrimitives.WriteUInt16BigEndian(s, 5);
        BinaryPrimitives.WriteUInt16BigEndian(s[2..], (ushort)flows.Length);
        BinaryPrimitives.WriteUInt32BigEndian(s[4..], sysUptimeMs);
        BinaryPrimitives.WriteUInt32BigEndian(s[8..], unixSecs);
        BinaryPrimitives.WriteUInt32BigEndian(s[12..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(s[16..], sequence);
        for (int i = 0; i < flows.Length; i++)
        {
            var f = flows[i];
            var r = s.Slice(24 + 48 * i, 48);
            IPAddress.Parse(f.Src).TryWriteBytes(r[0..4], out _);
            IPAddress.Parse(f.Dst).TryWriteBytes(r[4..8], out _);
            BinaryPrimitives.WriteUInt16BigEndian(r[12..], 1);
            BinaryPrimitives.WriteUInt16BigEndian(r[14..], 2);
            BinaryPrimitives.WriteUInt32BigEndian(r[16..], f.Packets);
            BinaryPrimitives.WriteUInt32BigEndian(r[20..], f.Bytes);
            BinaryPrimitives.WriteUInt32BigEndian(r[24..], f.FirstMs);
            BinaryPrimitives.WriteUInt32BigEndian(r[28..], f.LastMs);
            BinaryPrimitives.WriteUInt16BigEndian(r[32..], f.SrcPort);
            BinaryPrimitives.WriteUInt16BigEndian(r[34..], f.DstPort);
            r[37] = f.TcpFlags;
            r[38] = f.Protocol;
        }
        return p;
    }
}
