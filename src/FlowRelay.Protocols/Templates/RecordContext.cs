using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Templates;

/// <summary>Everything a data record's decoding needs beyond its bytes, resolved once per set.</summary>
internal struct RecordContext
{
    public PacketHeader Header;
    public ushort TemplateId;
    /// <summary>systemInitTimeMilliseconds of the observation domain (IE 160 from options data), or -1.</summary>
    public long DomainSystemInitMs;
    /// <summary>Rate when the record itself says nothing: options (exporter-wide), header, configured; 1 = unsampled.</summary>
    public uint DefaultRate;
    public SamplingSource DefaultSource;
    public TemplateCache Cache;
    // One-entry cache of the last sampler id looked up, so records naming the same sampler do
    // not each pay a dictionary lookup.
    public ulong LastSamplerId;
    public uint LastSamplerRate;
    public bool HasLastSampler;
}
