namespace FlowRelay.Protocols.Templates;

/// <summary>What options data told us about a whole source id / observation domain.</summary>
internal sealed class DomainState
{
    /// <summary>Exporter-wide sampling rate (options record with 34/50/305/306 but no sampler id); 0 = unknown.</summary>
    public uint Rate;

    /// <summary>systemInitTimeMilliseconds (IE 160), the base of flowStart/EndSysUpTime in IPFIX; -1 = unknown.</summary>
    public long SystemInitMs = -1;

    public long LastRefreshNs;
}
