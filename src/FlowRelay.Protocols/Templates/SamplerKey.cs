using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Templates;

/// <summary>Identifies a sampler announced in options data: v9 FLOW_SAMPLER_ID (48) or IPFIX selectorId (302).</summary>
internal readonly record struct SamplerKey(IpAddr Exporter, uint DomainId, ushort Version, ulong SamplerId);
