using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Stats;

/// <summary>
/// A consistent copy of the decoder's counters, taken on the pipeline thread (the decoder is not
/// thread-safe, and its per-exporter table may be resized while it decodes).
/// </summary>
public sealed record DecoderSnapshot(
    DateTimeOffset Taken,
    ExporterCounters Total,
    IReadOnlyList<KeyValuePair<IpAddr, ExporterCounters>> Exporters,
    int TemplatesKnown,
    long TemplatesEvicted,
    long TemplatesExpired,
    long ExportersEvicted,
    long SetsWaiting,
    long BytesWaiting)
{
    /// <summary>Copies the counters of <paramref name="decoder"/>; call only from the thread that decodes.</summary>
    public static DecoderSnapshot Take(FlowDecoder decoder, DateTimeOffset now)
    {
        var c = decoder.Counters;
        var exporters = c.SnapshotExporters().Select(kv => new KeyValuePair<IpAddr, ExporterCounters>(kv.Key, Copy(kv.Value))).ToList();
        return new DecoderSnapshot(now, Copy(c.Total), exporters, decoder.Templates.Count,
            c.TemplatesEvicted, c.TemplatesExpired, c.ExportersEvicted, c.SetsWaiting, c.BytesWaiting);
    }

    /// <summary>Sum of errors of every reason.</summary>
    public static long ErrorSum(ExporterCounters c) => c.Errors.Sum();

    private static ExporterCounters Copy(ExporterCounters s)
    {
        var d = new ExporterCounters
        {
            Packets = s.Packets,
            Bytes = s.Bytes,
            Records = s.Records,
            TemplatesLearned = s.TemplatesLearned,
            TemplatesWithdrawn = s.TemplatesWithdrawn,
            SetsMissingTemplate = s.SetsMissingTemplate,
            RecordsDecodedLate = s.RecordsDecodedLate,
            SetsDroppedNoTemplate = s.SetsDroppedNoTemplate,
            RecordsDropped = s.RecordsDropped,
            LastSeenNs = s.LastSeenNs,
        };
        s.Errors.AsSpan().CopyTo(d.Errors);
        return d;
    }
}
