namespace FlowRelay.Protocols.Templates;

/// <summary>One precompiled template field: what to do with it and how long it is (65535 = variable, RFC 7011 §7).</summary>
internal readonly struct CompiledField(FieldKind kind, ushort length)
{
    public readonly FieldKind Kind = kind;
    public readonly ushort Length = length;
}
