using System.Buffers.Binary;

namespace FlowRelay.Benchmarks.Decoding;

/// <summary>Export packets shaped like softflowd's, built once for the benchmarks.</summary>
internal static class BenchPackets
{
    public const int IpfixRecords = 28;
    public const int V9Records = 24;
    public const int V5Records = 30;
    private const uint ExportSecs = 1_700_000_000;

    /// <summary>IPFIX template 256: softflowd's IPv4 fields with millisecond timestamps.</summary>
    public static byte[] IpfixTemplateMessage() => Message(10, Set(2, w =>
    {
        w.U16(256).U16(15);
        foreach (var (id, len) in IpfixFields) w.U16(id).U16(len);
    }));

    public static byte[] IpfixDataMessage() => Message(10, Set(256, w =>
    {
        for (int i = 0; i < IpfixRecords; i++)
            w.U32(0xC0A80100u + (uint)i).U32(0x5DB8D800u + (uint)i).U16(40000 + i).U16(443).U8(6).U8(0x1b).U8(0)
             .U64(1500 + (ulong)i * 7).U64(12).U32(1).U32(2).U64(1_699_999_990_000 + (ulong)i).U64(1_699_999_995_000).U8(0).U8(3);
    }));

    /// <summary>softflowd's own IPFIX layout: template 1024 (sysUpTime times) and its options
    /// template 256 carrying systemInitTimeMilliseconds, as in the golden capture.</summary>
    public static byte[] SoftflowdTemplateMessage()
    {
        var templates = Set(2, w =>
        {
            w.U16(1024).U16(SoftflowdFields.Length);
            foreach (var (id, len) in SoftflowdFields) w.U16(id).U16(len);
        });
        var options = Set(3, w => w.U16(256).U16(4).U16(1).U16(143).U16(4).U16(160).U16(8).U16(305).U16(4).U16(306).U16(4));
        var optionsData = Set(256, w => w.U32(1).U64(1_699_999_000_000).U32(1).U32(0));
        var all = new Writer().Raw(templates).Raw(options).Raw(optionsData);
        return Message(10, all);
    }

    public static byte[] SoftflowdDataMessage() => Message(10, Set(1024, w =>
    {
        for (int i = 0; i < IpfixRecords; i++)
            w.U32(0x0A4D0001u + (uint)(i & 1)).U32(0x0A4D0002u - (uint)(i & 1)).U32(990_000 + (uint)i).U32(995_000).U32(302_244 + (uint)i).U32(43)
             .U32(0).U32(0).U8(i & 1).U8(3).U16(47896 + i).U16(5001).U8(6).U8(0x1b).U8(4).U8(0);
    }));

    private static readonly (int Id, int Len)[] SoftflowdFields =
    [
        (8, 4), (12, 4), (22, 4), (21, 4), (1, 4), (2, 4), (10, 4), (14, 4), (61, 1), (136, 1), (7, 2), (11, 2), (4, 1), (6, 1), (60, 1), (5, 1),
    ];

    private static readonly (int Id, int Len)[] IpfixFields =
    [
        (8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (5, 1), (1, 8), (2, 8), (10, 4), (14, 4), (152, 8), (153, 8), (61, 1), (136, 1),
    ];

    public static byte[] V9TemplatePacket() => Message(9, Set(0, w =>
    {
        w.U16(300).U16(V9Fields.Length);
        foreach (var (id, len) in V9Fields) w.U16(id).U16(len);
    }));

    public static byte[] V9DataPacket() => Message(9, Set(300, w =>
    {
        for (int i = 0; i < V9Records; i++)
            w.U32(0x0A000000u + (uint)i).U32(0x0A010000u + (uint)i).U16(1000 + i).U16(53).U8(17).U8(0).U8(0)
             .U32(100 + (uint)i).U32(1).U16(1).U16(2).U32(90_000).U32(95_000).U32(0x0A0000FE);
    }));

    private static readonly (int Id, int Len)[] V9Fields =
    [
        (8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (5, 1), (1, 4), (2, 4), (10, 2), (14, 2), (22, 4), (21, 4), (15, 4),
    ];

    public static byte[] V5Packet()
    {
        var w = new Writer();
        w.U16(5).U16(V5Records).U32(100_000).U32(ExportSecs).U32(0).U32(1).U8(0).U8(0).U16(0);
        for (int i = 0; i < V5Records; i++)
            w.U32(0xC0A80100u + (uint)i).U32(0x5DB8D800u).U32(0).U16(1).U16(2).U32(10).U32(1500).U32(40_000).U32(90_000)
             .U16(40000 + i).U16(443).U8(0).U8(0x1b).U8(6).U8(0).U16(0).U16(0).U8(24).U8(0).U16(0);
        return w.ToArray();
    }

    private static byte[] Message(int version, Writer set)
    {
        var w = new Writer();
        if (version == 10) w.U16(10).U16(16 + set.Length).U32(ExportSecs).U32(1).U32(1);
        else w.U16(9).U16(1).U32(100_000).U32(ExportSecs).U32(1).U32(1);
        w.Raw(set);
        return w.ToArray();
    }

    private static Writer Set(int id, Action<Writer> body)
    {
        var b = new Writer();
        body(b);
        return new Writer().U16(id).U16(4 + b.Length).Raw(b);
    }

    private sealed class Writer
    {
        private readonly List<byte> _b = new();
        public int Length => _b.Count;
        public Writer U8(int v) { _b.Add((byte)v); return this; }
        public Writer U16(int v) { _b.Add((byte)(v >> 8)); _b.Add((byte)v); return this; }
        public Writer U32(uint v) { Span<byte> s = stackalloc byte[4]; BinaryPrimitives.WriteUInt32BigEndian(s, v); _b.AddRange(s); return this; }
        public Writer U64(ulong v) { Span<byte> s = stackalloc byte[8]; BinaryPrimitives.WriteUInt64BigEndian(s, v); _b.AddRange(s); return this; }
        public Writer Raw(Writer other) { _b.AddRange(other._b); return this; }
        public byte[] ToArray() => _b.ToArray();
    }
}
