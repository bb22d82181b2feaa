using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.Templates;

/// <summary>
/// Identifies a template: template ids are only unique per exporter and source id / observation
/// domain (RFC 3954 §5.1, RFC 7011 §8), and v9 and IPFIX ids are separate spaces.
/// </summary>
public readonly record struct TemplateKey(IpAddr Exporter, uint DomainId, ushort TemplateId, ushort Version);
