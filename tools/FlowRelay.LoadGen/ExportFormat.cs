namespace FlowRelay.LoadGen;

/// <summary>The export protocol the generator speaks.</summary>
public enum ExportFormat
{
    /// <summary>NetFlow v9 (RFC 3954).</summary>
    V9,
    /// <summary>IPFIX (RFC 7011).</summary>
    Ipfix,
}
