namespace FlowRelay.Protocols.NetFlow;

/// <summary>The fixed layout of a NetFlow v1, v5 or v7 export (Cisco's published formats).</summary>
internal sealed class NetFlowLayout
{
    public static readonly NetFlowLayout V1 = new(1, headerLength: 16, recordLength: 48, maxCount: 24);
    public static readonly NetFlowLayout V5 = new(5, headerLength: 24, recordLength: 48, maxCount: 30);
    public static readonly NetFlowLayout V7 = new(7, headerLength: 24, recordLength: 52, maxCount: 28);

    private NetFlowLayout(ushort version, int headerLength, int recordLength, int maxCount)
    {
        Version = version;
        HeaderLength = headerLength;
        RecordLength = recordLength;
        MaxCount = maxCount;
    }

    public ushort Version { get; }
    public int HeaderLength { get; }
    public int RecordLength { get; }
    /// <summary>Most records one packet may announce; more means the header is garbage.</summary>
    public int MaxCount { get; }
}
