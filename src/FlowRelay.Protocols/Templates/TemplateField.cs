namespace FlowRelay.Protocols.Templates;

/// <summary>
/// A field specifier exactly as the exporter announced it: information element id (without the
/// enterprise bit), private enterprise number (0 for IANA elements, RFC 7011 §3.2) and length
/// (65535 for variable length).
/// </summary>
public readonly record struct TemplateField(ushort ElementId, uint EnterpriseNumber, ushort Length)
{
    /// <summary>The length announcing a variable-length field (RFC 7011 §7).</summary>
    public const ushort VariableLength = 0xFFFF;

    /// <summary>True when the field's length is carried in each record.</summary>
    public bool IsVariableLength => Length == VariableLength;
}
