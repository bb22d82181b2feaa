namespace FlowRelay.Protocols.Flows;

/// <summary>Where the sampling rate applied to a record came from.</summary>
public enum SamplingSource : byte
{
    /// <summary>No sampling information: counters are taken as exported (rate 1).</summary>
    None = 0,

    /// <summary>The NetFlow v5 header's sampling_interval field.</summary>
    Header = 1,

    /// <summary>A sampler announced in options data (v9 sampler table, IPFIX selector / sampling elements).</summary>
    OptionsData = 2,

    /// <summary>A sampling element in the data record itself.</summary>
    Record = 3,

    /// <summary>The per-exporter setting in the relay's configuration.</summary>
    Configured = 4,
}
