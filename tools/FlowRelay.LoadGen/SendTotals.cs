namespace FlowRelay.LoadGen;

/// <summary>What one sending thread sent.</summary>
public sealed class SendTotals
{
    public long Packets;
    public long TemplatePackets;
    public long Records;
    public long Bytes;
    /// <summary>Sends the kernel refused (ECONNREFUSED from an earlier ICMP port unreachable, ENOBUFS...).</summary>
    public long SendErrors;

    public void Add(SendTotals o)
    {
        Packets += o.Packets;
        TemplatePackets += o.TemplatePackets;
        Records += o.Records;
        Bytes += o.Bytes;
        SendErrors += o.SendErrors;
    }
}
