using System.Buffers.Binary;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.NetFlow;

/// <summary>
/// NetFlow v1, v5 and v7: a fixed header and fixed 48/52-byte records. Header: version, count,
/// sysUptime, unix_secs, unix_nsecs, then (v5/v7) flow_sequence, and (v5) engine type/id and
/// sampling_interval.
/// </summary>
internal static class LegacyNetFlowDecoder
{
    public static DecodeResult Decode<TSink>(FlowDecoder d, ReadOnlySpan<byte> p, NetFlowLayout layout, IpAddr exporter,
        long receivedNs, ExporterCounters ec, ref TSink sink) where TSink : struct, IFlowRecordSink
    {
        if (p.Length < layout.HeaderLength) return Fail(d, ec, DecodeStatus.Truncated);
        int count = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(2));
        if (count > layout.MaxCount) return Fail(d, ec, DecodeStatus.BadHeader);

        uint sysUptime = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(4));
        long secs = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(8));
        long nsecs = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(12));
        long exportNs = secs * 1_000_000_000 + Math.Min(nsecs, 999_999_999);
        uint sequence = layout.Version == 1 ? 0 : BinaryPrimitives.ReadUInt32BigEndian(p.Slice(16));
        uint sourceId = 0;
        uint rate;
        SamplingSource source;
        (rate, source) = d.ConfiguredSampling(exporter);
        if (layout.Version == 5)
        {
            sourceId = (uint)(p[20] << 8 | p[21]);
            // v5 sampling_interval: top 2 bits the mode, low 14 bits the interval.
            uint interval = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(22)) & 0x3FFFu;
            if (interval > 1)
            {
                rate = interval;
                source = SamplingSource.Header;
            }
        }

        int n = 0;
        var status = DecodeStatus.Ok;
        for (int i = 0; i < count; i++)
        {
            int off = layout.HeaderLength + i * layout.RecordLength;
            if (p.Length - off < layout.RecordLength)
            {
                status = DecodeStatus.Truncated;
                d.CountError(ec, status);
                break;
            }
            var rec = p.Slice(off, layout.RecordLength);
            ref FlowRecord r = ref sink.Next();
            r.Exporter = exporter;
            r.Version = layout.Version;
            r.SourceId = sourceId;
            r.Sequence = sequence;
            r.ExportNs = exportNs;
            r.ReceivedNs = receivedNs;
            r.FlowDirection = 255;
            r.SourceAddress = IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(rec));
            r.DestinationAddress = IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(rec.Slice(4)));
            r.NextHop = IpAddr.FromV4(BinaryPrimitives.ReadUInt32BigEndian(rec.Slice(8)));
            r.InputInterface = BinaryPrimitives.ReadUInt16BigEndian(rec.Slice(12));
            r.OutputInterface = BinaryPrimitives.ReadUInt16BigEndian(rec.Slice(14));
            r.RawPackets = BinaryPrimitives.ReadUInt32BigEndian(rec.Slice(16));
            r.RawBytes = BinaryPrimitives.ReadUInt32BigEndian(rec.Slice(20));
            uint first = BinaryPrimitives.ReadUInt32BigEndian(rec.Slice(24));
            uint last = BinaryPrimitives.ReadUInt32BigEndian(rec.Slice(28));
            // First/Last are sysUptime ms; the signed 32-bit difference survives the uptime wrap.
            r.StartNs = exportNs - (long)unchecked((int)(sysUptime - first)) * 1_000_000;
            r.EndNs = exportNs - (long)unchecked((int)(sysUptime - last)) * 1_000_000;
            r.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(rec.Slice(32));
            r.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(rec.Slice(34));
            var present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.NextHop | FlowFields.Interfaces
                | FlowFields.Bytes | FlowFields.Packets | FlowFields.Start | FlowFields.End | FlowFields.Ports
                | FlowFields.Protocol | FlowFields.Tos | FlowFields.TcpFlags;
            if (layout.Version == 1)
            {
                r.Protocol = rec[38];
                r.Tos = rec[39];
                r.TcpFlags = rec[40];
            }
            else
            {
                r.TcpFlags = rec[37];
                r.Protocol = rec[38];
                r.Tos = rec[39];
                r.SourceAs = BinaryPrimitives.ReadUInt16BigEndian(rec.Slice(40));
                r.DestinationAs = BinaryPrimitives.ReadUInt16BigEndian(rec.Slice(42));
                r.SourceMask = rec[44];
                r.DestinationMask = rec[45];
                present |= FlowFields.AutonomousSystems | FlowFields.Masks;
            }
            r.Present = present;
            r.SamplingRate = rate;
            r.SamplingSource = source;
            r.Bytes = r.RawBytes * rate;
            r.Packets = r.RawPackets * rate;
            sink.OnRecord(ref r);
            n++;
        }
        return new DecodeResult(status, n, 0, 0);
    }

    private static DecodeResult Fail(FlowDecoder d, ExporterCounters ec, DecodeStatus status)
    {
        d.CountError(ec, status);
        return new DecodeResult(status, 0, 0, 0);
    }
}
