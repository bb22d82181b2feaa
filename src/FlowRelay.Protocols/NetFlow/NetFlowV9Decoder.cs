using System.Buffers.Binary;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Templates;

namespace FlowRelay.Protocols.NetFlow;

/// <summary>
/// NetFlow v9 (RFC 3954). Header §5.1: version, count, sysUptime, unix_secs, sequence, source id
/// (20 bytes); then flowsets: 0 templates, 1 options templates, 256+ data.
/// </summary>
internal static class NetFlowV9Decoder
{
    private const int HeaderLength = 20;

    public static DecodeResult Decode<TSink>(FlowDecoder d, ReadOnlySpan<byte> p, IpAddr exporter, long receivedNs,
        ExporterCounters ec, ref TSink sink) where TSink : struct, IFlowRecordSink
    {
        if (p.Length < HeaderLength)
        {
            d.CountError(ec, DecodeStatus.Truncated);
            return new DecodeResult(DecodeStatus.Truncated, 0, 0, 0);
        }
        var h = new PacketHeader
        {
            Exporter = exporter,
            Version = 9,
            SysUptimeMs = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(4)),
            ExportNs = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(8)) * 1_000_000_000L,
            Sequence = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(12)),
            DomainId = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(16)),
            ReceivedNs = receivedNs,
        };

        var status = DecodeStatus.Ok;
        int pos = HeaderLength, records = 0, learned = 0, waiting = 0;
        // The header's count is not trusted (RFC 3954 §5.1 lets it disagree); flowset lengths frame the packet.
        while (p.Length - pos >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(pos));
            int len = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(pos + 2));
            if (len < 4 || len > p.Length - pos)
            {
                // Framing is lost: nothing after this can be located.
                Note(d, ec, ref status, DecodeStatus.BadSetLength);
                break;
            }
            var body = p.Slice(pos + 4, len - 4);
            pos += len;
            if (id == 0) learned += ParseTemplates(d, body, h, ec, ref status, ref sink, ref records);
            else if (id == 1) learned += ParseOptionsTemplates(d, body, h, ec, ref status, ref sink, ref records);
            else if (id >= 256)
            {
                var key = new TemplateKey(exporter, h.DomainId, id, 9);
                if (d.Cache.TryGet(key, out var template))
                {
                    records += DataSetDecoder.Decode(d, body, template, h, ref sink, out var s);
                    if (s != DecodeStatus.Ok)
                    {
                        d.CountDroppedRecord(ec);
                        Note(d, ec, ref status, s);
                    }
                }
                else if (d.Wait(key, h, body, ec)) waiting++;
            }
            // 2..255 are reserved (RFC 3954 §5.3): skipped by their length.
        }
        if (status == DecodeStatus.Ok && pos < p.Length)
        {
            // 1..3 bytes left: the start of a flowset header cut off by the datagram's end.
            Note(d, ec, ref status, DecodeStatus.BadSetLength);
        }
        return new DecodeResult(status, records, learned, waiting);
    }

    internal static void Note(FlowDecoder d, ExporterCounters ec, ref DecodeStatus status, DecodeStatus s)
    {
        d.CountError(ec, s);
        if (status == DecodeStatus.Ok) status = s;
    }

    /// <summary>RFC 3954 §5.2: records of template id, field count, then (type, length) pairs.</summary>
    private static int ParseTemplates<TSink>(FlowDecoder d, ReadOnlySpan<byte> body, in PacketHeader h, ExporterCounters ec,
        ref DecodeStatus status, ref TSink sink, ref int records) where TSink : struct, IFlowRecordSink
    {
        int q = 0, learned = 0;
        while (body.Length - q >= 4)
        {
            ushort tid = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q));
            int count = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 2));
            if (tid == 0 && count == 0) break; // padding (RFC 3954 §5.2)
            if (tid < 256 || count == 0 || count * 4 > body.Length - q - 4)
            {
                Note(d, ec, ref status, DecodeStatus.BadTemplate);
                break;
            }
            q += 4;
            var fields = d.Scratch(count);
            bool ok = true;
            for (int i = 0; i < count; i++, q += 4)
            {
                ushort type = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q));
                ushort flen = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 2));
                if (flen == 0) ok = false;
                fields[i] = new TemplateField(type, 0, flen);
            }
            if (!ok)
            {
                Note(d, ec, ref status, DecodeStatus.BadTemplate);
                continue;
            }
            if (d.Learn(new TemplateKey(h.Exporter, h.DomainId, tid, 9), false, 0, fields, h.ReceivedNs, ec)) learned++;
        }
        return learned;
    }

    /// <summary>RFC 3954 §6.1: template id, option scope length, option length (both in bytes), scope fields, option fields.</summary>
    private static int ParseOptionsTemplates<TSink>(FlowDecoder d, ReadOnlySpan<byte> body, in PacketHeader h, ExporterCounters ec,
        ref DecodeStatus status, ref TSink sink, ref int records) where TSink : struct, IFlowRecordSink
    {
        int q = 0, learned = 0;
        while (body.Length - q >= 6)
        {
            ushort tid = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q));
            int scopeLen = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 2));
            int optLen = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 4));
            if (tid == 0 && scopeLen == 0 && optLen == 0) break; // padding
            if (tid < 256 || scopeLen % 4 != 0 || optLen % 4 != 0 || scopeLen + optLen == 0 || scopeLen + optLen > body.Length - q - 6)
            {
                Note(d, ec, ref status, DecodeStatus.BadTemplate);
                break;
            }
            q += 6;
            int scopeCount = scopeLen / 4, count = scopeCount + optLen / 4;
            var fields = d.Scratch(count);
            bool ok = true;
            for (int i = 0; i < count; i++, q += 4)
            {
                ushort type = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q));
                ushort flen = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 2));
                if (flen == 0) ok = false;
                fields[i] = new TemplateField(type, 0, flen);
            }
            if (!ok)
            {
                Note(d, ec, ref status, DecodeStatus.BadTemplate);
                continue;
            }
            if (d.Learn(new TemplateKey(h.Exporter, h.DomainId, tid, 9), true, scopeCount, fields, h.ReceivedNs, ec)) learned++;
        }
        return learned;
    }
}
