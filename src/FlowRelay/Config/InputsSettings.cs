using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>inputs</c> section: where events come from.</summary>
public sealed class InputsSettings
{
    /// <summary>NetFlow v1/v5/v7/v9 and IPFIX over UDP.</summary>
    [ConfigurationKeyName("flow")]
    public FlowInputSettings Flow { get; set; } = new();
}
