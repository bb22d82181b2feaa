using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols;

/// <summary>All counters of a <see cref="FlowDecoder"/>: per exporter, in total, and of its bounded state.</summary>
public sealed class FlowDecoderCounters
{
    // CONTRACT STUB — to be completed (helper A).
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

    /// <summary>A copy of the per-exporter counters (allocates; for stats, not the hot path).</summary>
    public IReadOnlyList<KeyValuePair<IpAddr, ExporterCounters>> SnapshotExporters() => throw new NotImplementedException();
}
