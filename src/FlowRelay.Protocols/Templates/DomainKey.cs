using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Templates;

/// <summary>Identifies one exporter's source id (v9) or observation domain (IPFIX).</summary>
internal readonly record struct DomainKey(IpAddr Exporter, uint DomainId, ushort Version);
