namespace FlowRelay.Protocols.Templates;

/// <summary>The rate of one sampler from options data.</summary>
internal sealed class SamplerState
{
    public uint Rate;
    public long LastRefreshNs;
}
