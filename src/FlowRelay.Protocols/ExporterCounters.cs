namespace FlowRelay.Protocols;

/// <summary>
/// Counters for one exporter (or the total). Written by the decoding thread only; readers on
/// other threads may see slightly stale values, which is fine for statistics.
/// </summary>
public sealed class ExporterCounters
{
    public long Packets;
    public long Bytes;
    public long Records;
    /// <summary>Templates new or changed; an unchanged re-announcement only refreshes its lifetime.</summary>
    public long TemplatesLearned;
    public long TemplatesWithdrawn;
    /// <summary>Data sets that arrived before their template.</summary>
    public long SetsMissingTemplate;
    /// <summary>Records decoded from data sets that had waited for their template.</summary>
    public long RecordsDecodedLate;
    /// <summary>Data sets dropped because their template never arrived in time or the wait buffer was full.</summary>
    public long SetsDroppedNoTemplate;
    /// <summary>Records skipped inside otherwise valid packets (malformed record, unknown length).</summary>
    public long RecordsDropped;
    /// <summary>Packets or sets refused, by <see cref="DecodeStatus"/>.</summary>
    public readonly long[] Errors = new long[Enum.GetValues<DecodeStatus>().Length];
    /// <summary>Last time a packet arrived from this exporter (Unix ns).</summary>
    public long LastSeenNs;
}
