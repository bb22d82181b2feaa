namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// The data streams the relay writes, <c>logs-flowrelay.&lt;dataset&gt;-&lt;namespace&gt;</c> (the
/// Elastic data stream naming scheme: type-dataset-namespace).
/// </summary>
public static class DataStreams
{
    public const string FlowDataset = "flowrelay.flow";
    public const string DnsDataset = "flowrelay.dns";
    public const string AlertDataset = "flowrelay.alert";
    public const string RiskDataset = "flowrelay.risk";

    /// <summary>CEF events received from other devices (<c>cef-*.ndjson</c> in the NDJSON output).</summary>
    public const string CefDataset = "flowrelay.cef";

    /// <summary>Every dataset, in the order the templates are installed.</summary>
    public static readonly string[] Datasets = [FlowDataset, DnsDataset, AlertDataset, RiskDataset, CefDataset];

    public static string Name(string dataset, string ns) => $"logs-{dataset}-{ns}";

    /// <summary>The index pattern of a dataset's index template (every namespace).</summary>
    public static string Pattern(string dataset) => $"logs-{dataset}-*";
}
