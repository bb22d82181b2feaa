using System.Buffers.Binary;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.NetFlow;
using FlowRelay.Protocols.Templates;

namespace FlowRelay.Protocols.Ipfix;

/// <summary>
/// IPFIX (RFC 7011). Message header §3.1: version 10, length, export time, sequence, observation
/// domain (16 bytes); then sets §3.3: 2 templates, 3 options templates, 256+ data.
/// </summary>
internal static class IpfixDecoder
{
    private const int HeaderLength = 16;
    private const ushort TemplateSetId = 2;
    private const ushort OptionsTemplateSetId = 3;

    public static DecodeResult Decode<TSink>(FlowDecoder d, ReadOnlySpan<byte> p, IpAddr exporter, long receivedNs,
        ExporterCounters ec, ref TSink sink) where TSink : struct, IFlowRecordSink
    {
        var status = DecodeStatus.Ok;
        int length = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(2));
        if (length < HeaderLength)
        {
            NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadHeader);
            return new DecodeResult(status, 0, 0, 0);
        }
        if (length > p.Length)
        {
            // The datagram was cut short: decode the complete sets that are there, never beyond.
            NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.Truncated);
        }
        else p = p.Slice(0, length);

        var h = new PacketHeader
        {
            Exporter = exporter,
            Version = 10,
            ExportNs = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(4)) * 1_000_000_000L,
            Sequence = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(8)),
            DomainId = BinaryPrimitives.ReadUInt32BigEndian(p.Slice(12)),
            ReceivedNs = receivedNs,
        };

        int pos = HeaderLength, records = 0, learned = 0, waiting = 0;
        while (p.Length - pos >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(pos));
            int len = BinaryPrimitives.ReadUInt16BigEndian(p.Slice(pos + 2));
            if (len < 4 || len > p.Length - pos)
            {
                NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadSetLength);
                break;
            }
            var body = p.Slice(pos + 4, len - 4);
            pos += len;
            if (id == TemplateSetId || id == OptionsTemplateSetId)
                learned += ParseTemplates(d, body, id == OptionsTemplateSetId, h, ec, ref status, ref sink, ref records);
            else if (id >= 256)
            {
                var key = new TemplateKey(exporter, h.DomainId, id, 10);
                if (d.Cache.TryGet(key, out var template))
                {
                    records += DataSetDecoder.Decode(d, body, template, h, ref sink, out var s);
                    if (s != DecodeStatus.Ok)
                    {
                        d.CountDroppedRecord(ec);
                        NetFlowV9Decoder.Note(d, ec, ref status, s);
                    }
                }
                else if (d.Wait(key, h, body, ec)) waiting++;
            }
            // 0, 1 and 4..255 are not used (RFC 7011 §3.3.2): skipped by their length.
        }
        if (pos < p.Length && status == DecodeStatus.Ok && p.Length - pos > 0)
        {
            // 1..3 stray bytes after the last set: the message length disagrees with its sets.
            NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadSetLength);
        }
        return new DecodeResult(status, records, learned, waiting);
    }

    /// <summary>
    /// RFC 7011 §3.4.1/§3.4.2: template records (id, field count, fields) and options template
    /// records (id, field count, scope field count, fields). A field id with the top bit set is
    /// followed by a 4-byte enterprise number (§3.2).
    /// </summary>
    private static int ParseTemplates<TSink>(FlowDecoder d, ReadOnlySpan<byte> body, bool options, in PacketHeader h,
        ExporterCounters ec, ref DecodeStatus status, ref TSink sink, ref int records) where TSink : struct, IFlowRecordSink
    {
        int q = 0, learned = 0;
        while (body.Length - q >= 4)
        {
            ushort tid = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q));
            int count = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 2));
            if (tid == 0 && count == 0) break; // padding (§3.3.1)
            if (count == 0)
            {
                // §8.1 template withdrawal: the set's own id withdraws all of that type in the domain.
                q += 4;
                int n;
                if (tid == (options ? OptionsTemplateSetId : TemplateSetId)) n = d.Cache.WithdrawAll(h.Exporter, h.DomainId, 10, options);
                else if (tid >= 256) n = d.Cache.Withdraw(new TemplateKey(h.Exporter, h.DomainId, tid, 10)) ? 1 : 0;
                else
                {
                    NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadTemplate);
                    continue;
                }
                d.CountWithdrawn(ec, n);
                continue;
            }
            int scopeCount = 0;
            int headerLen = 4;
            if (options)
            {
                if (body.Length - q < 6)
                {
                    NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadTemplate);
                    break;
                }
                scopeCount = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 4));
                headerLen = 6;
            }
            if (tid < 256)
            {
                NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadTemplate);
                break;
            }
            q += headerLen;
            var fields = d.Scratch(count);
            bool framed = true, ok = true;
            for (int i = 0; i < count; i++)
            {
                if (body.Length - q < 4) { framed = false; break; }
                ushort raw = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q));
                ushort flen = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(q + 2));
                q += 4;
                uint pen = 0;
                if ((raw & 0x8000) != 0)
                {
                    if (body.Length - q < 4) { framed = false; break; }
                    pen = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(q));
                    q += 4;
                }
                if (flen == 0) ok = false;
                fields[i] = new TemplateField((ushort)(raw & 0x7FFF), pen, flen);
            }
            if (!framed)
            {
                NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadTemplate);
                break;
            }
            // §3.4.2.1: an options template needs at least one scope field, and no more than it has fields.
            if (!ok || (options && (scopeCount == 0 || scopeCount > count)))
            {
                NetFlowV9Decoder.Note(d, ec, ref status, DecodeStatus.BadTemplate);
                continue;
            }
            if (d.Learn(new TemplateKey(h.Exporter, h.DomainId, tid, 10), options, scopeCount, fields, h.ReceivedNs, ec)) learned++;
        }
        return learned;
    }
}
