using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Templates;

/// <summary>Decodes one v9/IPFIX data record with a precompiled template into a <see cref="FlowRecord"/>.</summary>
internal static class DataRecordDecoder
{
    private const long NtpToUnixSeconds = 2_208_988_800; // 1900-01-01 to 1970-01-01 (RFC 7011 §6.1.9)

    [Flags]
    private enum Seen : uint
    {
        None = 0,
        Bytes = 1, Packets = 1 << 1, BytesTotal = 1 << 2, PacketsTotal = 1 << 3,
        RevBytes = 1 << 4, RevPackets = 1 << 5, RevBytesTotal = 1 << 6, RevPacketsTotal = 1 << 7,
        InitOctets = 1 << 8, RespOctets = 1 << 9, InitPackets = 1 << 10, RespPackets = 1 << 11,
        StartAbs = 1 << 12, EndAbs = 1 << 13, StartUp = 1 << 14, EndUp = 1 << 15,
        StartDelta = 1 << 16, EndDelta = 1 << 17, SysInit = 1 << 18,
        SamplerId = 1 << 19, Interval = 1 << 20, PacketInterval = 1 << 21, PacketSpace = 1 << 22,
        IcmpType = 1 << 23, IcmpCode = 1 << 24,
    }

    /// <summary>Big-endian unsigned integer of 1..8 bytes (reduced-size encoding, RFC 7011 §6.2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ReadUInt(ReadOnlySpan<byte> s)
    {
        switch (s.Length)
        {
            case 1: return s[0];
            case 2: return BinaryPrimitives.ReadUInt16BigEndian(s);
            case 4: return BinaryPrimitives.ReadUInt32BigEndian(s);
            case 8: return BinaryPrimitives.ReadUInt64BigEndian(s);
            default:
                ulong v = 0;
                for (int i = 0; i < s.Length && i < 8; i++) v = (v << 8) | s[i];
                return v;
        }
    }

    /// <summary>
    /// Decodes one record at the start of <paramref name="data"/> into <paramref name="r"/>, which
    /// must be zeroed (<see cref="IFlowRecordSink.Next"/>). Returns the bytes consumed, or -1 when a
    /// variable-length field runs past the data (the rest of the set cannot be framed).
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> data, CompiledField[] fields, ref RecordContext ctx, ref FlowRecord r)
    {
        r.FlowDirection = 255;
        ulong bytes = 0, packets = 0, bytesTotal = 0, packetsTotal = 0;
        ulong revBytes = 0, revPackets = 0, revBytesTotal = 0, revPacketsTotal = 0;
        ulong initOctets = 0, respOctets = 0, initPackets = 0, respPackets = 0;
        long startAbs = 0, endAbs = 0, sysInit = 0;
        uint startUp = 0, endUp = 0;
        ulong startDelta = 0, endDelta = 0, samplerId = 0, interval = 0, pktInterval = 0, pktSpace = 0;
        byte icmpType = 0, icmpCode = 0;
        Seen seen = Seen.None;
        FlowFields present = FlowFields.None;
        int pos = 0;

        for (int i = 0; i < fields.Length; i++)
        {
            var f = fields[i];
            int len = f.Length;
            if (len == TemplateField.VariableLength)
            {
                // RFC 7011 §7: one length byte; 255 means a two-byte length follows.
                if (pos >= data.Length) return -1;
                len = data[pos++];
                if (len == 255)
                {
                    if (data.Length - pos < 2) return -1;
                    len = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(pos, 2));
                    pos += 2;
                }
            }
            if (len > data.Length - pos) return -1;
            var v = data.Slice(pos, len);
            pos += len;
            switch (f.Kind)
            {
                case FieldKind.Skip: break;
                case FieldKind.SourceV4: r.SourceAddress = IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(v)); present |= FlowFields.SourceAddress; break;
                case FieldKind.DestinationV4: r.DestinationAddress = IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(v)); present |= FlowFields.DestinationAddress; break;
                case FieldKind.SourceV6: r.SourceAddress = IpAddr.FromV6(v); present |= FlowFields.SourceAddress; break;
                case FieldKind.DestinationV6: r.DestinationAddress = IpAddr.FromV6(v); present |= FlowFields.DestinationAddress; break;
                case FieldKind.NextHopV4: r.NextHop = IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(v)); present |= FlowFields.NextHop; break;
                case FieldKind.NextHopV6: r.NextHop = IpAddr.FromV6(v); present |= FlowFields.NextHop; break;
                case FieldKind.SourcePort: r.SourcePort = (ushort)ReadUInt(v); present |= FlowFields.Ports; break;
                case FieldKind.DestinationPort: r.DestinationPort = (ushort)ReadUInt(v); present |= FlowFields.Ports; break;
                case FieldKind.Protocol: r.Protocol = (byte)ReadUInt(v); present |= FlowFields.Protocol; break;
                case FieldKind.Tos: r.Tos = (byte)ReadUInt(v); present |= FlowFields.Tos; break;
                // tcpControlBits may be 2 bytes (RFC 7125); the classic flags are the low byte.
                case FieldKind.TcpFlags: r.TcpFlags = (byte)ReadUInt(v); present |= FlowFields.TcpFlags; break;
                case FieldKind.Bytes: bytes = ReadUInt(v); seen |= Seen.Bytes; break;
                case FieldKind.Packets: packets = ReadUInt(v); seen |= Seen.Packets; break;
                case FieldKind.BytesTotal: bytesTotal = ReadUInt(v); seen |= Seen.BytesTotal; break;
                case FieldKind.PacketsTotal: packetsTotal = ReadUInt(v); seen |= Seen.PacketsTotal; break;
                case FieldKind.ReverseBytes: revBytes = ReadUInt(v); seen |= Seen.RevBytes; break;
                case FieldKind.ReversePackets: revPackets = ReadUInt(v); seen |= Seen.RevPackets; break;
                case FieldKind.ReverseBytesTotal: revBytesTotal = ReadUInt(v); seen |= Seen.RevBytesTotal; break;
                case FieldKind.ReversePacketsTotal: revPacketsTotal = ReadUInt(v); seen |= Seen.RevPacketsTotal; break;
                case FieldKind.InitiatorOctets: initOctets = ReadUInt(v); seen |= Seen.InitOctets; break;
                case FieldKind.ResponderOctets: respOctets = ReadUInt(v); seen |= Seen.RespOctets; break;
                case FieldKind.InitiatorPackets: initPackets = ReadUInt(v); seen |= Seen.InitPackets; break;
                case FieldKind.ResponderPackets: respPackets = ReadUInt(v); seen |= Seen.RespPackets; break;
                case FieldKind.InputInterface: r.InputInterface = (uint)ReadUInt(v); present |= FlowFields.Interfaces; break;
                case FieldKind.OutputInterface: r.OutputInterface = (uint)ReadUInt(v); present |= FlowFields.Interfaces; break;
                case FieldKind.SourceAs: r.SourceAs = (uint)ReadUInt(v); present |= FlowFields.AutonomousSystems; break;
                case FieldKind.DestinationAs: r.DestinationAs = (uint)ReadUInt(v); present |= FlowFields.AutonomousSystems; break;
                case FieldKind.SourceMask: r.SourceMask = (byte)ReadUInt(v); present |= FlowFields.Masks; break;
                case FieldKind.DestinationMask: r.DestinationMask = (byte)ReadUInt(v); present |= FlowFields.Masks; break;
                case FieldKind.EndSysUpTime: endUp = (uint)ReadUInt(v); seen |= Seen.EndUp; break;
                case FieldKind.StartSysUpTime: startUp = (uint)ReadUInt(v); seen |= Seen.StartUp; break;
                case FieldKind.IcmpTypeCode: r.IcmpTypeCode = (ushort)ReadUInt(v); present |= FlowFields.IcmpTypeCode; break;
                case FieldKind.IcmpType: icmpType = (byte)ReadUInt(v); seen |= Seen.IcmpType; break;
                case FieldKind.IcmpCode: icmpCode = (byte)ReadUInt(v); seen |= Seen.IcmpCode; break;
                case FieldKind.VlanId: r.VlanId = (ushort)ReadUInt(v); present |= FlowFields.VlanId; break;
                case FieldKind.FlowDirection: r.FlowDirection = (byte)ReadUInt(v); present |= FlowFields.FlowDirection; break;
                case FieldKind.FlowEndReason: r.FlowEndReason = (byte)ReadUInt(v); present |= FlowFields.FlowEndReason; break;
                case FieldKind.StartSeconds: startAbs = (long)ReadUInt(v) * 1_000_000_000; seen |= Seen.StartAbs; break;
                case FieldKind.EndSeconds: endAbs = (long)ReadUInt(v) * 1_000_000_000; seen |= Seen.EndAbs; break;
                case FieldKind.StartMilliseconds: startAbs = (long)ReadUInt(v) * 1_000_000; seen |= Seen.StartAbs; break;
                case FieldKind.EndMilliseconds: endAbs = (long)ReadUInt(v) * 1_000_000; seen |= Seen.EndAbs; break;
                // RFC 7011 §6.1.9: the low 11 bits of a dateTimeMicroseconds fraction are not significant.
                case FieldKind.StartNtpMicro: startAbs = NtpToUnixNs(v, 0xFFFFF800); seen |= Seen.StartAbs; break;
                case FieldKind.EndNtpMicro: endAbs = NtpToUnixNs(v, 0xFFFFF800); seen |= Seen.EndAbs; break;
                case FieldKind.StartNtp: startAbs = NtpToUnixNs(v); seen |= Seen.StartAbs; break;
                case FieldKind.EndNtp: endAbs = NtpToUnixNs(v); seen |= Seen.EndAbs; break;
                case FieldKind.StartDeltaMicroseconds: startDelta = ReadUInt(v); seen |= Seen.StartDelta; break;
                case FieldKind.EndDeltaMicroseconds: endDelta = ReadUInt(v); seen |= Seen.EndDelta; break;
                case FieldKind.SystemInitTimeMilliseconds: sysInit = (long)ReadUInt(v); seen |= Seen.SysInit; break;
                case FieldKind.SamplingInterval:
                case FieldKind.SamplerRandomInterval: interval = ReadUInt(v); seen |= Seen.Interval; break;
                case FieldKind.SamplerId:
                case FieldKind.SelectorId: samplerId = ReadUInt(v); seen |= Seen.SamplerId; break;
                case FieldKind.SamplingPacketInterval: pktInterval = ReadUInt(v); seen |= Seen.PacketInterval; break;
                case FieldKind.SamplingPacketSpace: pktSpace = ReadUInt(v); seen |= Seen.PacketSpace; break;
                default: break; // algorithm / mode: informational only
            }
        }

        ref readonly var h = ref ctx.Header;
        r.Exporter = h.Exporter;
        r.Version = h.Version;
        r.SourceId = h.DomainId;
        r.Sequence = h.Sequence;
        r.TemplateId = ctx.TemplateId;
        r.ExportNs = h.ExportNs;
        r.ReceivedNs = h.ReceivedNs;

        if ((seen & (Seen.IcmpType | Seen.IcmpCode)) != 0 && (present & FlowFields.IcmpTypeCode) == 0)
        {
            r.IcmpTypeCode = (ushort)(icmpType << 8 | icmpCode);
            present |= FlowFields.IcmpTypeCode;
        }

        // Counters: deltas first, totals as fallback, and RFC 5103 / RFC 7011 initiator/responder
        // counters when neither direction element was sent.
        bool hasBytes = true, hasPackets = true;
        if ((seen & Seen.Bytes) != 0) r.RawBytes = bytes;
        else if ((seen & Seen.BytesTotal) != 0) r.RawBytes = bytesTotal;
        else if ((seen & Seen.InitOctets) != 0) r.RawBytes = initOctets;
        else hasBytes = false;
        if ((seen & Seen.Packets) != 0) r.RawPackets = packets;
        else if ((seen & Seen.PacketsTotal) != 0) r.RawPackets = packetsTotal;
        else if ((seen & Seen.InitPackets) != 0) r.RawPackets = initPackets;
        else hasPackets = false;
        if (hasBytes) present |= FlowFields.Bytes;
        if (hasPackets) present |= FlowFields.Packets;
        ulong rb = 0, rp = 0;
        bool hasReverse = true;
        if ((seen & Seen.RevBytes) != 0) rb = revBytes;
        else if ((seen & Seen.RevBytesTotal) != 0) rb = revBytesTotal;
        else if ((seen & Seen.RespOctets) != 0) rb = respOctets;
        else hasReverse = false;
        if ((seen & Seen.RevPackets) != 0) { rp = revPackets; hasReverse = true; }
        else if ((seen & Seen.RevPacketsTotal) != 0) { rp = revPacketsTotal; hasReverse = true; }
        else if ((seen & Seen.RespPackets) != 0) { rp = respPackets; hasReverse = true; }
        if (hasReverse) present |= FlowFields.ReverseCounters;

        // Sampling: the record's own elements are the most specific, then the sampler it names
        // in options data, then what holds for the whole domain / packet / configuration.
        uint rate;
        SamplingSource source;
        if ((seen & Seen.Interval) != 0 && interval > 0)
        {
            rate = (uint)Math.Min(interval, uint.MaxValue);
            source = SamplingSource.Record;
        }
        else if ((seen & Seen.PacketInterval) != 0 && pktInterval > 0)
        {
            rate = PacketIntervalRate(pktInterval, pktSpace);
            source = SamplingSource.Record;
        }
        else if ((seen & Seen.SamplerId) != 0 && TryGetSampler(ref ctx, samplerId, out rate))
        {
            source = SamplingSource.OptionsData;
        }
        else
        {
            rate = ctx.DefaultRate;
            source = ctx.DefaultSource;
        }
        if (rate <= 1)
        {
            rate = 1;
            source = SamplingSource.None;
        }
        r.SamplingRate = rate;
        r.SamplingSource = source;
        r.Bytes = r.RawBytes * rate;
        r.Packets = r.RawPackets * rate;
        r.ReverseBytes = rb * rate;
        r.ReversePackets = rp * rate;

        ResolveTimes(ref r, ref present, seen, startAbs, endAbs, startUp, endUp, startDelta, endDelta, sysInit, ref ctx);
        r.Present = present;
        return pos;
    }

    /// <summary>RFC 7011 §6.1 / RFC 5476: N consecutive packets selected out of every N + space.</summary>
    public static uint PacketIntervalRate(ulong interval, ulong space) =>
        interval == 0 ? 0 : (uint)Math.Min((interval + space) / interval, uint.MaxValue);

    private static bool TryGetSampler(ref RecordContext ctx, ulong id, out uint rate)
    {
        if (ctx.HasLastSampler && ctx.LastSamplerId == id)
        {
            rate = ctx.LastSamplerRate;
            return rate != 0;
        }
        ref readonly var h = ref ctx.Header;
        ctx.Cache.TryGetSamplerRate(new SamplerKey(h.Exporter, h.DomainId, h.Version, id), out rate);
        ctx.LastSamplerId = id;
        ctx.LastSamplerRate = rate;
        ctx.HasLastSampler = true;
        return rate != 0;
    }

    private static void ResolveTimes(ref FlowRecord r, ref FlowFields present, Seen seen, long startAbs, long endAbs,
        uint startUp, uint endUp, ulong startDelta, ulong endDelta, long sysInit, ref RecordContext ctx)
    {
        ref readonly var h = ref ctx.Header;
        long start = 0, end = 0;
        bool hasStart = false, hasEnd = false;
        if ((seen & Seen.StartAbs) != 0) { start = startAbs; hasStart = true; }
        if ((seen & Seen.EndAbs) != 0) { end = endAbs; hasEnd = true; }
        // RFC 7011 §6.1 / IE 158/159: microseconds before the export time.
        if (!hasStart && (seen & Seen.StartDelta) != 0) { start = h.ExportNs - (long)Math.Min(startDelta, long.MaxValue / 1000) * 1000; hasStart = true; }
        if (!hasEnd && (seen & Seen.EndDelta) != 0) { end = h.ExportNs - (long)Math.Min(endDelta, long.MaxValue / 1000) * 1000; hasEnd = true; }
        if ((seen & (Seen.StartUp | Seen.EndUp)) != 0 && !(hasStart && hasEnd))
        {
            if (h.Version != 10)
            {
                // RFC 3954 §8 FIRST/LAST: sysUptime ms when the flow started/ended; the header
                // pairs sysUptime with unix_secs. The signed 32-bit difference survives the
                // uptime counter wrapping (every ~49.7 days) between First and the export.
                if (!hasStart && (seen & Seen.StartUp) != 0) { start = h.ExportNs - (long)unchecked((int)(h.SysUptimeMs - startUp)) * 1_000_000; hasStart = true; }
                if (!hasEnd && (seen & Seen.EndUp) != 0) { end = h.ExportNs - (long)unchecked((int)(h.SysUptimeMs - endUp)) * 1_000_000; hasEnd = true; }
            }
            else
            {
                long init = (seen & Seen.SysInit) != 0 ? sysInit : ctx.DomainSystemInitMs;
                if (init >= 0)
                {
                    // IE 21/22 are ms since systemInitTimeMilliseconds (IE 160).
                    long exportMs = h.ExportNs / 1_000_000;
                    if (!hasStart && (seen & Seen.StartUp) != 0) { start = UptimeToUnixMs(init, startUp, exportMs) * 1_000_000; hasStart = true; }
                    if (!hasEnd && (seen & Seen.EndUp) != 0) { end = UptimeToUnixMs(init, endUp, exportMs) * 1_000_000; hasEnd = true; }
                }
                else
                {
                    // No system init time known (IPFIX has no sysUptime in its header): take the
                    // flow as ending at the export time and keep its duration, the best
                    // estimate of event time that never places a flow in the future.
                    if (!hasEnd) { end = h.ExportNs; hasEnd = (seen & Seen.EndUp) != 0; }
                    if (!hasStart && (seen & Seen.StartUp) != 0)
                    {
                        long dur = (seen & Seen.EndUp) != 0 ? unchecked((int)(endUp - startUp)) : 0;
                        start = end - dur * 1_000_000;
                        hasStart = true;
                    }
                }
            }
        }
        if (hasStart) { r.StartNs = start; present |= FlowFields.Start; }
        if (hasEnd) { r.EndNs = end; present |= FlowFields.End; }
        else r.EndNs = h.ExportNs;
    }

    /// <summary>
    /// A 32-bit uptime in ms after <paramref name="initMs"/> as Unix ms. The counter wraps every
    /// ~49.7 days, and exporters replaying old packets (softflowd -r) send times before their
    /// init time as wrapped values, so the wrap count is chosen that puts the time nearest the
    /// export time.
    /// </summary>
    private static long UptimeToUnixMs(long initMs, uint uptimeMs, long exportMs)
    {
        const long Wrap = 1L << 32;
        long t = initMs + uptimeMs;
        long k = (long)Math.Round((exportMs - t) / (double)Wrap);
        return t + k * Wrap;
    }

    /// <summary>
    /// dateTimeMicroseconds / dateTimeNanoseconds (RFC 7011 §6.1.9/§6.1.10): NTP format, 32-bit
    /// seconds since 1900 and a 32-bit binary fraction. Values below the 1970 offset belong to NTP
    /// era 1 (after 2036-02-07).
    /// </summary>
    private static long NtpToUnixNs(ReadOnlySpan<byte> v, uint fractionMask = 0xFFFFFFFF)
    {
        long secs = BinaryPrimitives.ReadUInt32BigEndian(v);
        ulong frac = BinaryPrimitives.ReadUInt32BigEndian(v.Slice(4)) & fractionMask;
        if (secs < NtpToUnixSeconds) secs += 1L << 32;
        return (secs - NtpToUnixSeconds) * 1_000_000_000 + (long)((frac * 1_000_000_000) >> 32);
    }
}
