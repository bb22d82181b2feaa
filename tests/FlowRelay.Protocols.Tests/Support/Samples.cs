using static FlowRelay.Protocols.Tests.Support.Packets;

namespace FlowRelay.Protocols.Tests.Support;

/// <summary>Realistic packets (softflowd-like field sets) shared by tests.</summary>
public static class Samples
{
    public const ulong StartMs = 1_699_999_990_000;

    public static Bytes IpfixTemplate(int id = 256) => Template(id,
        F(8, 4), F(12, 4), F(7, 2), F(11, 2), F(4, 1), F(6, 1), F(5, 1), F(1, 8), F(2, 8),
        F(10, 4), F(14, 4), F(152, 8), F(153, 8), F(61, 1), F(136, 1));

    public static Bytes IpfixRecord(int i) => new Bytes()
        .U32(0xC0000200u + (uint)(i & 0xff)).U32(0xC6336400u + (uint)(i & 0xff)).U16(40000 + i).U16(443).U8(6).U8(0x1b).U8(0)
        .U64(1000 + (ulong)i).U64(10).U32(1).U32(2).U64(StartMs + (ulong)i).U64(StartMs + 5000).U8(0).U8(3);

    public static byte[] IpfixPacket(int records, bool withTemplate = true, uint domain = 1)
    {
        var data = new Bytes();
        for (int i = 0; i < records; i++) data.Raw(IpfixRecord(i));
        return withTemplate
            ? IpfixMessage(domain, Set(2, IpfixTemplate()), Set(256, data))
            : IpfixMessage(domain, Set(256, data));
    }

    public static Bytes V9Template(int id = 300) => Template(id,
        F(8, 4), F(12, 4), F(7, 2), F(11, 2), F(4, 1), F(6, 1), F(5, 1), F(1, 4), F(2, 4),
        F(10, 2), F(14, 2), F(22, 4), F(21, 4), F(15, 4));

    public static Bytes V9Record(int i) => new Bytes()
        .U32(0x0A000000u + (uint)(i & 0xff)).U32(0x0A010000u + (uint)(i & 0xff)).U16(1000 + i).U16(53).U8(17).U8(0).U8(0)
        .U32(100 + (uint)i).U32(1).U16(1).U16(2).U32(90_000).U32(95_000).U32(0x0A0000FE);

    public static byte[] V9Packet(int records, bool withTemplate = true)
    {
        var data = new Bytes();
        for (int i = 0; i < records; i++) data.Raw(V9Record(i));
        return withTemplate
            ? V9(5, 100_000, Set(0, V9Template()), Set(300, data))
            : V9(5, 100_000, Set(300, data));
    }

    public static byte[] V5Packet(int records)
    {
        var recs = new Bytes[records];
        for (int i = 0; i < records; i++) recs[i] = V5Record("192.0.2.1", "198.51.100.2", (ushort)(1000 + i), 80, 6, 3, 180, 20_000, 49_000);
        return V5(50_000, ExportSecs, 0, 0, recs);
    }
}
