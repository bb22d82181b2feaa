using System.Buffers.Binary;
using System.Net;

namespace FlowRelay.Tests;

/// <summary>Builds NetFlow v9 export packets by hand (RFC 3954 §5): one template and data records of it.</summary>
internal static class NetFlowV9Packet
{
    public const ushort TemplateId = 256;

    // (type, length): IPV4_SRC_ADDR, IPV4_DST_ADDR, L4_SRC_PORT, L4_DST_PORT, PROTOCOL, IN_BYTES, IN_PKTS
    private static readonly (ushort Type, ushort Length)[] Fields = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 4), (2, 4)];
    private const int RecordLength = 21;

    public static byte[] TemplateOnly(uint sourceId, uint sequence) => Packet(sourceId, sequence, includeTemplate: true, 0);

    public static byte[] DataOnly(uint sourceId, uint sequence, int records) => Packet(sourceId, sequence, includeTemplate: false, records);

    private static byte[] Packet(uint sourceId, uint sequence, bool includeTemplate, int records)
    {
        var body = new List<byte>();
        if (includeTemplate)
        {
            var t = new byte[4 + 4 + Fields.Length * 4];
            BinaryPrimitives.WriteUInt16BigEndian(t, 0);
            BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(2), (ushort)t.Length);
            BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(4), TemplateId);
            BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(6), (ushort)Fields.Length);
            for (int i = 0; i < Fields.Length; i++)
            {
                BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(8 + i * 4), Fields[i].Type);
                BinaryPrimitives.WriteUInt16BigEndian(t.AsSpan(10 + i * 4), Fields[i].Length);
            }
            body.AddRange(t);
        }
        if (records > 0)
        {
            int len = 4 + records * RecordLength;
            int padded = (len + 3) & ~3;
            var d = new byte[padded];
            BinaryPrimitives.WriteUInt16BigEndian(d, TemplateId);
            BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(2), (ushort)padded);
            for (int i = 0; i < records; i++)
            {
                var r = d.AsSpan(4 + i * RecordLength, RecordLength);
                IPAddress.Parse("10.9.0.1").TryWriteBytes(r[0..4], out _);
                IPAddress.Parse("198.51.100.20").TryWriteBytes(r[4..8], out _);
                BinaryPrimitives.WriteUInt16BigEndian(r[8..], (ushort)(30000 + i));
                BinaryPrimitives.WriteUInt16BigEndian(r[10..], 53);
                r[12] = 17;
                BinaryPrimitives.WriteUInt32BigEndian(r[13..], (uint)(100 + i));
                BinaryPrimitives.WriteUInt32BigEndian(r[17..], 1);
            }
            body.AddRange(d);
        }
        var p = new byte[20 + body.Count];
        BinaryPrimitives.WriteUInt16BigEndian(p, 9);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)((includeTemplate ? 1 : 0) + records));
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(4), 60_000);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(8), 1_767_225_600);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(12), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), sourceId);
        body.CopyTo(p, 20);
        return p;
    }
}
