namespace FlowRelay.Protocols.Tests.Support;

/// <summary>Builders for v1/v5/v7/v9/IPFIX export packets, lengths filled in automatically.</summary>
public static class Packets
{
    public const uint ExportSecs = 1_700_000_000;

    /// <summary>An IPFIX message: header plus the given sets.</summary>
    public static byte[] IpfixMessage(uint domain, params Bytes[] sets) => IpfixMessage(domain, ExportSecs, 1, sets);

    public static byte[] IpfixMessage(uint domain, uint exportSecs, uint sequence, params Bytes[] sets)
    {
        var b = new Bytes().U16(10).U16(0).U32(exportSecs).U32(sequence).U32(domain);
        foreach (var s in sets) b.Raw(s);
        b.Patch16(2, b.Length);
        return b.ToArray();
    }

    /// <summary>A NetFlow v9 packet: header plus the given flowsets.</summary>
    public static byte[] V9(uint sourceId, uint sysUptime, params Bytes[] sets) => V9(sourceId, sysUptime, ExportSecs, sets);

    public static byte[] V9(uint sourceId, uint sysUptime, uint unixSecs, params Bytes[] sets)
    {
        var b = new Bytes().U16(9).U16(sets.Length).U32(sysUptime).U32(unixSecs).U32(7).U32(sourceId);
        foreach (var s in sets) b.Raw(s);
        return b.ToArray();
    }

    /// <summary>A set: id, length, body, optional zero padding.</summary>
    public static Bytes Set(int id, Bytes body, int padding = 0) =>
        new Bytes().U16(id).U16(4 + body.Length + padding).Raw(body).Zeros(padding);

    /// <summary>A template record body: id, count, then (id, length) or (id|0x8000, length, pen) fields.</summary>
    public static Bytes Template(int id, params (int Id, int Length, uint Pen)[] fields)
    {
        var b = new Bytes().U16(id).U16(fields.Length);
        foreach (var f in fields)
        {
            b.U16(f.Pen != 0 ? f.Id | 0x8000 : f.Id).U16(f.Length);
            if (f.Pen != 0) b.U32(f.Pen);
        }
        return b;
    }

    /// <summary>An IPFIX options template record body.</summary>
    public static Bytes IpfixOptionsTemplate(int id, int scopeCount, params (int Id, int Length)[] fields)
    {
        var b = new Bytes().U16(id).U16(fields.Length).U16(scopeCount);
        foreach (var f in fields) b.U16(f.Id).U16(f.Length);
        return b;
    }

    /// <summary>A v9 options template record body: scope fields then option fields.</summary>
    public static Bytes V9OptionsTemplate(int id, (int Type, int Length)[] scope, (int Type, int Length)[] options)
    {
        var b = new Bytes().U16(id).U16(scope.Length * 4).U16(options.Length * 4);
        foreach (var f in scope) b.U16(f.Type).U16(f.Length);
        foreach (var f in options) b.U16(f.Type).U16(f.Length);
        return b;
    }

    public static (int, int, uint) F(int id, int length, uint pen = 0) => (id, length, pen);

    /// <summary>A v5 packet with the given records.</summary>
    public static byte[] V5(uint sysUptime, uint secs, uint nsecs, ushort sampling, params Bytes[] records)
    {
        var b = new Bytes().U16(5).U16(records.Length).U32(sysUptime).U32(secs).U32(nsecs).U32(42).U8(1).U8(2).U16(sampling);
        foreach (var r in records) b.Raw(r);
        return b.ToArray();
    }

    /// <summary>A 48-byte v5 record (also the first 48 bytes of v7).</summary>
    public static Bytes V5Record(string src, string dst, ushort sport, ushort dport, byte proto, uint pkts, uint octets, uint first, uint last, byte flags = 0x1b)
        => new Bytes().Ip(src).Ip(dst).Ip("10.0.0.254").U16(3).U16(4).U32(pkts).U32(octets).U32(first).U32(last)
            .U16(sport).U16(dport).U8(0).U8(flags).U8(proto).U8(0x10).U16(64512).U16(15169).U8(24).U8(16).U16(0);

    public static byte[] V1(uint sysUptime, uint secs, uint nsecs, params Bytes[] records)
    {
        var b = new Bytes().U16(1).U16(records.Length).U32(sysUptime).U32(secs).U32(nsecs);
        foreach (var r in records) b.Raw(r);
        return b.ToArray();
    }

    public static Bytes V1Record(string src, string dst, ushort sport, ushort dport, byte proto, uint pkts, uint octets, uint first, uint last)
        => new Bytes().Ip(src).Ip(dst).Ip("10.0.0.254").U16(3).U16(4).U32(pkts).U32(octets).U32(first).U32(last)
            .U16(sport).U16(dport).U16(0).U8(proto).U8(0x10).U8(0x12).U8(0).U16(0).U32(0);

    public static byte[] V7(uint sysUptime, uint secs, params Bytes[] records)
    {
        var b = new Bytes().U16(7).U16(records.Length).U32(sysUptime).U32(secs).U32(0).U32(9).U32(0);
        foreach (var r in records) b.Raw(r);
        return b.ToArray();
    }
}
