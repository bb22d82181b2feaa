using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Templates;

namespace FlowRelay.Protocols;

/// <summary>All counters of a <see cref="FlowDecoder"/>: per exporter, in total, and of its bounded state.</summary>
public sealed class FlowDecoderCounters
{
    // Bounded so a flood of spoofed source addresses cannot grow memory; the least recently seen
    // exporter loses its own counters (the total keeps everything).
    private readonly BoundedLru<IpAddr, ExporterCounters> _exporters = new(4096);

    /// <summary>Sum over all exporters (kept even for evicted exporters).</summary>
    public ExporterCounters Total { get; } = new();

    /// <summary>Templates evicted because <see cref="FlowDecoderOptions.MaxTemplates"/> was reached.</summary>
    public long TemplatesEvicted;

    /// <summary>Templates dropped because they were not refreshed within the timeout.</summary>
    public long TemplatesExpired;

    /// <summary>Exporters whose own counters were evicted because <see cref="FlowDecoderOptions.MaxExporters"/> was reached.</summary>
    public long ExportersEvicted;

    /// <summary>Data sets currently waiting for a template, and their bytes.</summary>
    public long SetsWaiting;
    public long BytesWaiting;

    /// <summary>How many exporters currently have their own counters.</summary>
    public int ExporterCount => _exporters.Count;

    internal int MaxExporters
    {
        get => _exporters.Capacity;
        set => _exporters.Capacity = Math.Max(1, value);
    }

    /// <summary>A copy of the per-exporter counters (allocates; for stats, not the hot path).</summary>
    public IReadOnlyList<KeyValuePair<IpAddr, ExporterCounters>> SnapshotExporters() =>
        _exporters.Items.Select(kv => new KeyValuePair<IpAddr, ExporterCounters>(kv.Key, Copy(kv.Value))).ToList();

    internal bool TryGetExporter(IpAddr exporter, out ExporterCounters counters) => _exporters.TryGetValue(exporter, out counters);

    /// <summary>The exporter's counters, created (evicting the least recently seen) if new.</summary>
    internal ExporterCounters Touch(IpAddr exporter, long nowNs)
    {
        if (_exporters.TryGetValue(exporter, out var c)) _exporters.Touch(exporter);
        else ExportersEvicted += _exporters.Set(exporter, c = new ExporterCounters());
        c.LastSeenNs = nowNs;
        return c;
    }

    private static ExporterCounters Copy(ExporterCounters s)
    {
        var c = new ExporterCounters
        {
            Packets = s.Packets, Bytes = s.Bytes, Records = s.Records,
            TemplatesLearned = s.TemplatesLearned, TemplatesWithdrawn = s.TemplatesWithdrawn,
            SetsMissingTemplate = s.SetsMissingTemplate, RecordsDecodedLate = s.RecordsDecodedLate,
            SetsDroppedNoTemplate = s.SetsDroppedNoTemplate, RecordsDropped = s.RecordsDropped,
            LastSeenNs = s.LastSeenNs,
        };
        s.Errors.AsSpan().CopyTo(c.Errors);
        return c;
    }
}
