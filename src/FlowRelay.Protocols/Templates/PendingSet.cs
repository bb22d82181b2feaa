namespace FlowRelay.Protocols.Templates;

/// <summary>A data set copied into a pooled buffer while it waits for its template.</summary>
internal sealed class PendingSet
{
    public TemplateKey Key;
    public PacketHeader Header;
    public byte[] Buffer = [];
    public int Length;
}
