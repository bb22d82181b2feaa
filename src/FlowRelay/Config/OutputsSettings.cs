using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>outputs</c> section: where events go.</summary>
public sealed class OutputsSettings
{
    /// <summary>Rotating ECS NDJSON files.</summary>
    [ConfigurationKeyName("ndjson")]
    public NdjsonOutputSettings Ndjson { get; set; } = new();
}
