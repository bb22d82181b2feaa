using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols;

/// <summary>Limits and settings of a <see cref="FlowDecoder"/>.</summary>
public sealed class FlowDecoderOptions
{
    /// <summary>A template not refreshed for this long is dropped (RFC 7011 §8.4 lets UDP templates expire).</summary>
    public TimeSpan TemplateTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most templates kept over all exporters; the oldest is evicted (and counted) beyond this.</summary>
    public int MaxTemplates { get; set; } = 16384;

    /// <summary>Most exporters with their own counters; beyond this the least recently seen is evicted (counted).</summary>
    public int MaxExporters { get; set; } = 4096;

    /// <summary>Most bytes of data sets kept while they wait for their template.</summary>
    public int PendingMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long a data set waits for its template before it is dropped (counted).</summary>
    public TimeSpan PendingMaxAge { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Configured 1-in-N sampling rate for an exporter (0 when none is configured). Applied when
    /// the export itself carries no sampling information.
    /// </summary>
    public Func<IpAddr, uint>? ConfiguredSamplingRate { get; set; }
}
