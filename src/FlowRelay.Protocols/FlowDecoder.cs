using System.Buffers.Binary;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Ipfix;
using FlowRelay.Protocols.NetFlow;
using FlowRelay.Protocols.Templates;

namespace FlowRelay.Protocols;

/// <summary>
/// Decodes NetFlow v1/v5/v7/v9 and IPFIX export packets, detecting the version from the header.
/// Holds the state decoding needs across packets (templates, sampler tables, data waiting for
/// its template, per-exporter counters). Not thread-safe: one decoder per pipeline worker.
/// Never throws on bad input: the result says what was wrong and counters record it.
/// </summary>
public sealed class FlowDecoder
{
    internal const int SmallestHeader = 16; // NetFlow v1 and IPFIX

    private readonly FlowDecoderCounters _counters;
    private readonly Func<IpAddr, uint>? _configuredRate;
    // Reused while parsing template records, so re-announcing an unchanged template (exporters
    // do it every few packets) allocates nothing.
    private TemplateField[] _scratch = new TemplateField[64];
    // Templates learned in the packet being decoded that have data waiting for them.
    private readonly List<TemplateKey> _replay = new();

    /// <summary>Creates a decoder; throws <see cref="ArgumentException"/> naming a setting that is out of range.</summary>
    public FlowDecoder(FlowDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        Options = options;
        _counters = new FlowDecoderCounters { MaxExporters = options.MaxExporters };
        _configuredRate = options.ConfiguredSamplingRate;
        Cache = new TemplateCache(options, _counters);
        Pending = new PendingSetBuffer(options, _counters);
    }

    internal FlowDecoderOptions Options { get; }
    internal TemplateCache Cache { get; }
    internal PendingSetBuffer Pending { get; }

    /// <summary>Counters per exporter and in total.</summary>
    public FlowDecoderCounters Counters => _counters;

    /// <summary>Templates learned so far.</summary>
    public TemplateCache Templates => Cache;

    /// <summary>
    /// Decodes one export packet received from <paramref name="exporter"/> at <paramref name="receivedNs"/>
    /// (Unix ns). Each record is passed to <paramref name="sink"/>; records of earlier packets that
    /// were waiting for a template carried by this packet are passed too.
    /// </summary>
    public DecodeResult Decode<TSink>(ReadOnlySpan<byte> packet, IpAddr exporter, long receivedNs, ref TSink sink)
        where TSink : struct, IFlowRecordSink
    {
        var ec = _counters.Touch(exporter, receivedNs);
        var total = _counters.Total;
        ec.Packets++;
        total.Packets++;
        ec.Bytes += packet.Length;
        total.Bytes += packet.Length;
        total.LastSeenNs = receivedNs;
        if (Pending.Count > 0) Pending.Expire(receivedNs);

        DecodeResult result;
        if (packet.Length < 2) result = Fail(ec, DecodeStatus.TooShort);
        else
        {
            ushort version = BinaryPrimitives.ReadUInt16BigEndian(packet);
            if (version is not (1 or 5 or 7 or 9 or 10)) result = Fail(ec, DecodeStatus.UnsupportedVersion);
            else if (packet.Length < SmallestHeader) result = Fail(ec, DecodeStatus.TooShort);
            else result = version switch
            {
                5 => LegacyNetFlowDecoder.Decode(this, packet, NetFlowLayout.V5, exporter, receivedNs, ec, ref sink),
                9 => NetFlowV9Decoder.Decode(this, packet, exporter, receivedNs, ec, ref sink),
                10 => IpfixDecoder.Decode(this, packet, exporter, receivedNs, ec, ref sink),
                1 => LegacyNetFlowDecoder.Decode(this, packet, NetFlowLayout.V1, exporter, receivedNs, ec, ref sink),
                _ => LegacyNetFlowDecoder.Decode(this, packet, NetFlowLayout.V7, exporter, receivedNs, ec, ref sink),
            };
        }
        if (_replay.Count > 0) result = result with { Records = result.Records + ReplayWaiting(ec, ref sink) };
        ec.Records += result.Records;
        total.Records += result.Records;
        return result;
    }

    /// <summary>Drops templates and waiting data older than their configured lifetimes.</summary>
    public void Expire(long nowNs)
    {
        Cache.Expire(nowNs);
        Pending.Expire(nowNs);
    }

    internal void CountError(ExporterCounters ec, DecodeStatus status)
    {
        ec.Errors[(int)status]++;
        _counters.Total.Errors[(int)status]++;
    }

    private DecodeResult Fail(ExporterCounters ec, DecodeStatus status)
    {
        CountError(ec, status);
        return new DecodeResult(status, 0, 0, 0);
    }

    /// <summary>The rate configured for an exporter, used when the export carries none.</summary>
    internal (uint Rate, SamplingSource Source) ConfiguredSampling(IpAddr exporter)
    {
        uint rate = _configuredRate?.Invoke(exporter) ?? 0;
        return rate > 1 ? (rate, SamplingSource.Configured) : (1, SamplingSource.None);
    }

    internal Span<TemplateField> Scratch(int count)
    {
        if (_scratch.Length < count) _scratch = new TemplateField[Math.Max(count, _scratch.Length * 2)];
        return _scratch.AsSpan(0, count);
    }

    /// <summary>
    /// Stores a template parsed into <see cref="Scratch"/> (allocating only when it is new or
    /// changed) and notes any data waiting for it. Returns true when it was new or changed.
    /// </summary>
    internal bool Learn(in TemplateKey key, bool isOptions, int scopeCount, ReadOnlySpan<TemplateField> fields,
        long nowNs, ExporterCounters ec)
    {
        if (Cache.TryGet(key, out var existing) && existing.IsOptions == isOptions && existing.ScopeFieldCount == scopeCount && SameFields(existing, fields))
        {
            Cache.Refresh(existing, nowNs);
            return false;
        }
        var template = new FlowTemplate(key, isOptions, scopeCount, fields.ToArray());
        Cache.Add(template, nowNs);
        ec.TemplatesLearned++;
        _counters.Total.TemplatesLearned++;
        // Waiting data is decoded once the whole packet has been read, not here: options data
        // later in the same packet (IPFIX systemInitTimeMilliseconds, sampler rates) must apply
        // to the late records just as it would have had the template come first.
        if (Pending.Count > 0 && Pending.IsWaiting(key) && !_replay.Contains(key)) _replay.Add(key);
        return true;
    }

    /// <summary>Decodes, in arrival order, the data sets that waited for templates this packet carried.</summary>
    private int ReplayWaiting<TSink>(ExporterCounters ec, ref TSink sink) where TSink : struct, IFlowRecordSink
    {
        int records = 0;
        // Options data first: it describes the exporting process (system init time for IPFIX
        // uptime elements, sampler rates) and applies to the flow records that waited beside it.
        for (int pass = 0; pass < 2; pass++)
        {
            foreach (var key in _replay)
            {
                records += ReplayKey(key, optionsPass: pass == 0, ec, ref sink);
            }
        }
        _replay.Clear();
        return records;
    }

    private int ReplayKey<TSink>(in TemplateKey key, bool optionsPass, ExporterCounters ec, ref TSink sink)
        where TSink : struct, IFlowRecordSink
    {
        // A template withdrawn later in the same packet leaves its data waiting.
        if (!Cache.TryGet(key, out var template) || template.IsOptions != optionsPass) return 0;
        if (Pending.TakeFor(key) is not { } waiting) return 0;
        int records = 0;
        foreach (var set in waiting)
        {
            int n = DataSetDecoder.Decode(this, set.Buffer.AsSpan(0, set.Length), template, set.Header, ref sink, out var status);
            if (status != DecodeStatus.Ok)
            {
                CountError(ec, status);
                ec.RecordsDropped++;
                _counters.Total.RecordsDropped++;
            }
            ec.RecordsDecodedLate += n;
            _counters.Total.RecordsDecodedLate += n;
            records += n;
            PendingSetBuffer.Release(set);
        }
        return records;
    }

    /// <summary>A data set whose template is unknown: keep it for a while, counted.</summary>
    internal bool Wait(in TemplateKey key, in PacketHeader header, ReadOnlySpan<byte> body, ExporterCounters ec)
    {
        ec.SetsMissingTemplate++;
        _counters.Total.SetsMissingTemplate++;
        return Pending.Add(key, header, body);
    }

    internal void CountWithdrawn(ExporterCounters ec, int n)
    {
        ec.TemplatesWithdrawn += n;
        _counters.Total.TemplatesWithdrawn += n;
    }

    internal void CountDroppedRecord(ExporterCounters ec)
    {
        ec.RecordsDropped++;
        _counters.Total.RecordsDropped++;
    }

    private static bool SameFields(FlowTemplate t, ReadOnlySpan<TemplateField> fields)
    {
        var existing = t.Fields;
        if (existing.Count != fields.Length) return false;
        for (int i = 0; i < fields.Length; i++)
            if (existing[i] != fields[i]) return false;
        return true;
    }

    private static void Validate(FlowDecoderOptions o)
    {
        if (o.TemplateTimeout <= TimeSpan.Zero) throw new ArgumentException($"TemplateTimeout must be positive (was {o.TemplateTimeout}).", nameof(o.TemplateTimeout));
        if (o.MaxTemplates < 1) throw new ArgumentException($"MaxTemplates must be at least 1 (was {o.MaxTemplates}).", nameof(o.MaxTemplates));
        if (o.MaxExporters < 1) throw new ArgumentException($"MaxExporters must be at least 1 (was {o.MaxExporters}).", nameof(o.MaxExporters));
        if (o.PendingMaxBytes < 0) throw new ArgumentException($"PendingMaxBytes must be 0 or more (was {o.PendingMaxBytes}).", nameof(o.PendingMaxBytes));
        if (o.PendingMaxAge < TimeSpan.Zero) throw new ArgumentException($"PendingMaxAge must be 0 or more (was {o.PendingMaxAge}).", nameof(o.PendingMaxAge));
    }
}
