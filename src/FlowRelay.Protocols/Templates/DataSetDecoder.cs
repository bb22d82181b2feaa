using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Templates;

/// <summary>Decodes the records of one v9/IPFIX data set whose template is known.</summary>
internal static class DataSetDecoder
{
    /// <summary>Returns the flow records passed to the sink; options data updates sampler state instead.</summary>
    public static int Decode<TSink>(FlowDecoder d, ReadOnlySpan<byte> body, FlowTemplate t, in PacketHeader h,
        ref TSink sink, out DecodeStatus status) where TSink : struct, IFlowRecordSink
    {
        status = DecodeStatus.Ok;
        if (t.IsOptions)
        {
            status = DecodeOptions(d.Cache, body, t, h);
            return 0;
        }

        var ctx = new RecordContext { Header = h, TemplateId = t.Key.TemplateId, Cache = d.Cache, DomainSystemInitMs = -1 };
        var domain = d.Cache.GetDomain(new DomainKey(h.Exporter, h.DomainId, h.Version));
        if (domain != null) ctx.DomainSystemInitMs = domain.SystemInitMs;
        if (domain is { Rate: > 0 })
        {
            ctx.DefaultRate = domain.Rate;
            ctx.DefaultSource = SamplingSource.OptionsData;
        }
        else (ctx.DefaultRate, ctx.DefaultSource) = d.ConfiguredSampling(h.Exporter);

        var compiled = t.Compiled;
        int min = t.MinRecordLength, pos = 0, n = 0;
        // RFC 7011 §3.3.1 / RFC 3954 §5.3: a remainder shorter than the smallest record is padding.
        while (body.Length - pos >= min)
        {
            ref FlowRecord record = ref sink.Next();
            int used = DataRecordDecoder.Decode(body.Slice(pos), compiled, ref ctx, ref record);
            if (used <= 0)
            {
                status = DecodeStatus.BadRecord;
                break;
            }
            sink.OnRecord(ref record);
            n++;
            pos += used;
        }
        return n;
    }

    /// <summary>
    /// Options data (RFC 3954 §6.2, RFC 7011 §3.4.2.2): remember sampler rates and the system init
    /// time, which later flow records depend on.
    /// </summary>
    private static DecodeStatus DecodeOptions(TemplateCache cache, ReadOnlySpan<byte> body, FlowTemplate t, in PacketHeader h)
    {
        var fields = t.Compiled;
        int pos = 0;
        while (body.Length - pos >= t.MinRecordLength)
        {
            ulong samplerId = 0, interval = 0, pktInterval = 0, pktSpace = 0;
            long sysInit = -1;
            bool hasSampler = false, hasInterval = false, hasPkt = false;
            for (int i = 0; i < fields.Length; i++)
            {
                int len = fields[i].Length;
                if (len == TemplateField.VariableLength)
                {
                    if (pos >= body.Length) return DecodeStatus.BadRecord;
                    len = body[pos++];
                    if (len == 255)
                    {
                        if (body.Length - pos < 2) return DecodeStatus.BadRecord;
                        len = body[pos] << 8 | body[pos + 1];
                        pos += 2;
                    }
                }
                if (len > body.Length - pos) return DecodeStatus.BadRecord;
                var v = body.Slice(pos, len);
                pos += len;
                switch (fields[i].Kind)
                {
                    case FieldKind.SamplerId:
                    case FieldKind.SelectorId: samplerId = DataRecordDecoder.ReadUInt(v); hasSampler = true; break;
                    case FieldKind.SamplingInterval:
                    case FieldKind.SamplerRandomInterval: interval = DataRecordDecoder.ReadUInt(v); hasInterval = true; break;
                    case FieldKind.SamplingPacketInterval: pktInterval = DataRecordDecoder.ReadUInt(v); hasPkt = true; break;
                    case FieldKind.SamplingPacketSpace: pktSpace = DataRecordDecoder.ReadUInt(v); break;
                    case FieldKind.SystemInitTimeMilliseconds: sysInit = (long)Math.Min(DataRecordDecoder.ReadUInt(v), long.MaxValue / 2_000_000); break;
                }
            }
            uint rate = 0;
            bool hasRate = false;
            if (hasInterval) { rate = (uint)Math.Min(interval, uint.MaxValue); hasRate = true; }
            else if (hasPkt) { rate = DataRecordDecoder.PacketIntervalRate(pktInterval, pktSpace); hasRate = true; }
            // Rate 0 or 1 both mean "every packet": stored as 1 so the exporter's word that it is
            // unsampled wins over a configured rate.
            if (hasRate) rate = Math.Max(rate, 1);
            if (hasRate && hasSampler) cache.SetSampler(new SamplerKey(h.Exporter, h.DomainId, h.Version, samplerId), rate, h.ReceivedNs);
            if ((hasRate && !hasSampler) || sysInit >= 0)
            {
                var domain = cache.GetOrAddDomain(new DomainKey(h.Exporter, h.DomainId, h.Version), h.ReceivedNs);
                if (hasRate && !hasSampler) domain.Rate = rate;
                if (sysInit >= 0) domain.SystemInitMs = sysInit;
            }
        }
        return DecodeStatus.Ok;
    }
}
