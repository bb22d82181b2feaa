using System.Buffers.Binary;
using System.Text;

namespace FlowRelay.LoadGen;

/// <summary>
/// One simulated exporter: its template packet and a pool of pre-built data packets. Each send
/// patches only what must change (header times and sequence numbers, record times, the internal
/// host address), so the sender spends its time in the socket, not building packets.
/// </summary>
public sealed class ExporterStream
{
    private const int PoolSize = 32;
    /// <summary>UDP payload that fits a 1500-byte Ethernet MTU (IPv4 and UDP headers take 28).</summary>
    public const int MaxPayload = 1472;

    private readonly ExportFormat _format;
    private readonly uint _domain;
    private readonly int _templateRefresh;
    private readonly byte[] _templatePacket;
    private readonly DataPacket[] _pool;
    private readonly int _hosts;
    private readonly uint _hostStride;
    private readonly long _bootMs;
    private readonly double _directDnsShare;
    private uint _hostCursor;
    private int _poolCursor;
    private int _sinceTemplate;
    private uint _v9Sequence;
    private uint _ipfixSequence;

    private sealed class DataPacket
    {
        public required byte[] Bytes;
        public required int Records;
        public required bool Ipv6;
        public required int FirstRecordOffset;
        public required uint[] DurationsMs;
        public required uint[] AgesMs;
        /// <summary>Offset of the internal address in each record (IPv4 only; -1: do not patch).</summary>
        public required int[] InternalOffsets;
    }

    /// <summary>
    /// Builds exporter number <paramref name="index"/> (its observation domain / source id is index + 1);
    /// <paramref name="bootMs"/> is the Unix ms it "booted" (IPFIX systemInitTimeMilliseconds, the v9 sysUptime base).
    /// </summary>
    public ExporterStream(ExportFormat format, int index, int recordsPerPacket, int templateRefresh, int hosts, double ipv6Share, int seed, long bootMs, double directDnsShare = 0.02)
    {
        _format = format;
        _domain = (uint)index + 1;
        _templateRefresh = templateRefresh;
        _hosts = hosts;
        _bootMs = bootMs;
        _directDnsShare = directDnsShare;
        var rng = new Random(unchecked(seed * 7919 + index));
        // A stride coprime with the host count walks every host once per cycle, in a scattered order.
        _hostStride = CoprimeStride(hosts, rng);
        _hostCursor = (uint)rng.Next(hosts);
        _templatePacket = BuildTemplatePacket();
        _pool = new DataPacket[PoolSize];
        for (int i = 0; i < PoolSize; i++)
        {
            bool v6 = rng.NextDouble() < ipv6Share;
            // Like softflowd, fill a 1500-byte MTU at most: IPv6 records are bigger, so fewer fit.
            int fit = (MaxPayload - 20 - 4) / SoftflowdLayout.RecordLength(v6);
            _pool[i] = BuildDataPacket(rng, Math.Min(recordsPerPacket, fit), v6);
        }
        _sinceTemplate = templateRefresh; // templates first
    }

    private readonly List<uint> _externals = [];

    /// <summary>
    /// The internet IPv4 addresses this exporter's flows go to or come from (its packets are built
    /// once, so these are all there are): what a DNS feed answers so the relay's DNS join finds them.
    /// </summary>
    public IReadOnlyList<uint> ExternalAddresses => _externals;

    /// <summary>Flow records in the packet <see cref="Next"/> returned last (0 for a template packet).</summary>
    public int LastRecords { get; private set; }

    /// <summary>The next packet to send at <paramref name="nowMs"/> (Unix ms); valid until the next call.</summary>
    public ReadOnlySpan<byte> Next(long nowMs)
    {
        if (_sinceTemplate >= _templateRefresh)
        {
            _sinceTemplate = 0;
            LastRecords = 0;
            // The IPFIX options record is a data record too (RFC 7011 3.1 sequence number).
            PatchHeader(_templatePacket, nowMs, _format == ExportFormat.Ipfix ? 1 : 0);
            if (_format == ExportFormat.Ipfix) PatchOptionsInitTime(_templatePacket);
            return _templatePacket;
        }
        _sinceTemplate++;
        var p = _pool[_poolCursor];
        _poolCursor = (_poolCursor + 1) % _pool.Length;
        PatchHeader(p.Bytes, nowMs, p.Records);
        uint uptime = (uint)(nowMs - _bootMs);
        var span = p.Bytes.AsSpan();
        int recLen = SoftflowdLayout.RecordLength(p.Ipv6);
        int first = SoftflowdLayout.FirstOffset(p.Ipv6), last = SoftflowdLayout.LastOffset(p.Ipv6);
        for (int r = 0, off = p.FirstRecordOffset; r < p.Records; r++, off += recLen)
        {
            uint end = uptime - p.AgesMs[r];
            BinaryPrimitives.WriteUInt32BigEndian(span.Slice(off + last), end);
            BinaryPrimitives.WriteUInt32BigEndian(span.Slice(off + first), end - p.DurationsMs[r]);
            int io = p.InternalOffsets[r];
            if (io >= 0) BinaryPrimitives.WriteUInt32BigEndian(span.Slice(off + io), InternalHost(NextHost()));
        }
        LastRecords = p.Records;
        return p.Bytes;
    }

    private uint NextHost()
    {
        uint h = _hostCursor;
        _hostCursor = (uint)((_hostCursor + (ulong)_hostStride) % (ulong)_hosts);
        return h;
    }

    /// <summary>Host number n as an address in 10.0.0.0/8 (skipping .0 and .255 in the last octet).</summary>
    internal static uint InternalHost(uint n) => 0x0A000000u | ((n / 254) << 8) | (n % 254 + 1);

    private void PatchHeader(byte[] packet, long nowMs, int records)
    {
        var s = packet.AsSpan();
        if (_format == ExportFormat.Ipfix)
        {
            // RFC 7011 3.1: sequence = data records sent before this packet in this domain.
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(4), (uint)(nowMs / 1000));
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(8), _ipfixSequence);
            _ipfixSequence += (uint)records;
        }
        else
        {
            // RFC 3954 5.1: sequence counts export packets; sysUptime in ms, then Unix seconds.
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(4), (uint)(nowMs - _bootMs));
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(8), (uint)(nowMs / 1000));
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(12), _v9Sequence++);
        }
    }

    private int _optionsInitOffset = -1;

    private void PatchOptionsInitTime(byte[] packet)
    {
        if (_optionsInitOffset >= 0) BinaryPrimitives.WriteUInt64BigEndian(packet.AsSpan(_optionsInitOffset), (ulong)_bootMs);
    }

    private byte[] BuildTemplatePacket()
    {
        var w = new PacketWriter(_format, _domain);
        foreach (bool v6 in new[] { false, true })
        {
            int set = w.BeginSet(_format == ExportFormat.Ipfix ? (ushort)2 : (ushort)0);
            var fields = SoftflowdLayout.Fields(v6);
            w.U16(v6 ? SoftflowdLayout.Ipv6Template : SoftflowdLayout.Ipv4Template);
            w.U16((ushort)fields.Length);
            foreach (var (id, len) in fields) { w.U16(id); w.U16(len); }
            w.EndSet(set, pad: _format == ExportFormat.V9);
            w.Count++;
        }
        // The options softflowd sends: sampling, and for IPFIX the exporter's boot time (which its
        // flowStart/EndSysUpTime are relative to).
        byte[] name = Encoding.ASCII.GetBytes(("loadgen" + _domain).PadRight(16, '\0'))[..16];
        if (_format == ExportFormat.Ipfix)
        {
            int set = w.BeginSet(3);
            w.U16(SoftflowdLayout.OptionsTemplate); w.U16(6); w.U16(1);
            w.U16(143); w.U16(4); w.U16(160); w.U16(8); w.U16(305); w.U16(4); w.U16(306); w.U16(4); w.U16(304); w.U16(2); w.U16(82); w.U16(16);
            w.EndSet(set, pad: false);
            set = w.BeginSet(SoftflowdLayout.OptionsTemplate);
            w.U32(_domain);
            _optionsInitOffset = w.Length;
            w.U64((ulong)_bootMs);
            w.U32(1); w.U32(0); w.U16(1); w.Bytes(name);
            w.EndSet(set, pad: false);
        }
        else
        {
            int set = w.BeginSet(1);
            w.U16(SoftflowdLayout.OptionsTemplate); w.U16(4); w.U16(12);
            w.U16(2); w.U16(4); w.U16(34); w.U16(4); w.U16(35); w.U16(1); w.U16(82); w.U16(16);
            w.EndSet(set, pad: true);
            w.Count++;
            set = w.BeginSet(SoftflowdLayout.OptionsTemplate);
            w.U32(0); w.U32(1); w.U8(1); w.Bytes(name);
            w.EndSet(set, pad: true);
            w.Count++;
        }
        return w.ToArray();
    }

    private static readonly (byte Proto, ushort Port, double Weight)[] Services =
    [
        (6, 443, 0.45), (17, 443, 0.08), (6, 80, 0.10), (17, 53, 0.15), (6, 22, 0.03), (6, 25, 0.02),
        (6, 3389, 0.02), (17, 123, 0.04), (6, 8080, 0.03), (6, 445, 0.02), (1, 0, 0.06),
    ];

    private DataPacket BuildDataPacket(Random rng, int records, bool ipv6)
    {
        var w = new PacketWriter(_format, _domain);
        int set = w.BeginSet(ipv6 ? SoftflowdLayout.Ipv6Template : SoftflowdLayout.Ipv4Template);
        int firstRecord = w.Length;
        var durations = new uint[records];
        var ages = new uint[records];
        var internals = new int[records];
        Span<byte> v6 = stackalloc byte[16];
        for (int r = 0; r < records; r++)
        {
            var (proto, port, _) = PickService(rng);
            // Three in four records are outbound (internal client → internet); the rest are the replies.
            bool outbound = rng.NextDouble() < 0.75;
            uint external = ExternalAddress(rng);
            // DNS goes to the network's own resolvers, as clients in a managed network do; a small
            // share goes straight to an internet resolver (what the resolver-policy rule looks for).
            bool viaResolver = proto == 17 && port == 53 && rng.NextDouble() >= _directDnsShare;
            if (viaResolver) external = rng.Next(2) == 0 ? 0x0AFF0035u : 0x0AFF0135u; // 10.255.0.53, 10.255.1.53 (outside the hosts' range)
            else if (!ipv6) _externals.Add(external);
            ushort ephemeral = (ushort)rng.Next(32768, 61000);
            // Mostly small flows; one in a thousand is a large upload, so exfiltration rules have something to see.
            ulong bytes = rng.NextDouble() < 0.001 ? (ulong)rng.Next(5_000_000, 50_000_000) : (ulong)Math.Min(uint.MaxValue, Math.Exp(rng.NextDouble() * 12) + 40);
            uint packets = (uint)Math.Max(1, bytes / (ulong)rng.Next(60, 1400));
            if (ipv6)
            {
                rng.NextBytes(v6);
                v6[0] = 0xfd; v6[1] = 0x00; // internal side: ULA
                byte[] far = viaResolver ? Resolver6 : Global6(rng);
                w.Bytes(outbound ? v6 : far);
                w.Bytes(outbound ? far : v6);
                internals[r] = -1;
            }
            else
            {
                w.U32(outbound ? 0 : external);
                w.U32(outbound ? external : 0);
                internals[r] = outbound ? SoftflowdLayout.SrcOffset(false) : SoftflowdLayout.DstOffset(false);
            }
            w.U32(0); w.U32(0); // times, patched per send
            w.U32((uint)Math.Min(bytes, uint.MaxValue));
            w.U32(packets);
            w.U32((uint)rng.Next(1, 5)); w.U32((uint)rng.Next(1, 5));
            w.U8(0); w.U8(proto == 6 ? (byte)3 : (byte)1); // direction ingress; end reason end-of-flow / idle
            ushort sport = outbound ? ephemeral : port, dport = outbound ? port : ephemeral;
            if (proto == 1) { sport = 0; dport = (ushort)(outbound ? 8 << 8 : 0); } // ICMP echo request / reply in the port field
            w.U16(sport); w.U16(dport);
            w.U8(proto); w.U8(proto == 6 ? (byte)0x1b : (byte)0);
            w.U8(ipv6 ? (byte)6 : (byte)4); w.U8(0);
            durations[r] = (uint)rng.Next(0, 120_000);
            ages[r] = (uint)rng.Next(0, 5_000);
        }
        w.EndSet(set, pad: _format == ExportFormat.V9);
        w.Count += records;
        return new DataPacket
        {
            Bytes = w.ToArray(), Records = records, Ipv6 = ipv6, FirstRecordOffset = firstRecord,
            DurationsMs = durations, AgesMs = ages, InternalOffsets = internals,
        };
    }

    private static (byte, ushort, double) PickService(Random rng)
    {
        double x = rng.NextDouble(), acc = 0;
        foreach (var s in Services)
        {
            acc += s.Weight;
            if (x < acc) return s;
        }
        return Services[0];
    }

    /// <summary>A public-looking IPv4 address (avoids 0/8, 10/8, 127/8, 172.16/12, 192.168/16, 100.64/10, 224/3).</summary>
    private static uint ExternalAddress(Random rng)
    {
        while (true)
        {
            uint a = (uint)rng.NextInt64(0x01000000, 0xE0000000);
            byte o1 = (byte)(a >> 24), o2 = (byte)(a >> 16);
            if (o1 is 10 or 127 or 0 || (o1 == 172 && o2 is >= 16 and < 32) || (o1 == 192 && o2 == 168) || (o1 == 100 && o2 is >= 64 and < 128) || (o1 == 169 && o2 == 254))
                continue;
            return a;
        }
    }

    /// <summary>fd00::53, the network's IPv6 resolver.</summary>
    private static readonly byte[] Resolver6 = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53];

    private static byte[] Global6(Random rng)
    {
        var b = new byte[16];
        rng.NextBytes(b);
        b[0] = 0x2a; b[1] = 0x00; // 2a00::/12, global unicast
        return b;
    }

    private static uint CoprimeStride(int n, Random rng)
    {
        if (n <= 2) return 1;
        while (true)
        {
            uint s = (uint)rng.Next(1, n);
            if (Gcd(s, (uint)n) == 1) return s;
        }
        static uint Gcd(uint a, uint b) { while (b != 0) (a, b) = (b, a % b); return a; }
    }
}
