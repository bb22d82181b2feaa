using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>templates</c> section: limits of the NetFlow v9 / IPFIX template state and how it is persisted.</summary>
public sealed class TemplateSettings
{
    /// <summary>A template not refreshed for this long is forgotten.</summary>
    [ConfigurationKeyName("timeout")]
    public Duration Timeout { get; set; } = Duration.FromMinutes(30);

    /// <summary>Most templates kept over all exporters; the oldest is evicted beyond this.</summary>
    [ConfigurationKeyName("max_templates")]
    public int MaxTemplates { get; set; } = 16384;

    /// <summary>Most exporters tracked with their own counters; the least recently seen is evicted beyond this.</summary>
    [ConfigurationKeyName("max_exporters")]
    public int MaxExporters { get; set; } = 4096;

    /// <summary>Most bytes of data held while waiting for its template.</summary>
    [ConfigurationKeyName("pending_max_bytes")]
    public ByteSize PendingMaxBytes { get; set; } = ByteSize.FromMiB(4);

    /// <summary>How long data waits for its template before it is dropped (and counted).</summary>
    [ConfigurationKeyName("pending_max_age")]
    public Duration PendingMaxAge { get; set; } = Duration.FromSeconds(60);

    /// <summary>How often templates are saved to &lt;data_dir&gt;/templates.json when they changed (and always on shutdown).</summary>
    [ConfigurationKeyName("persist_interval")]
    public Duration PersistInterval { get; set; } = Duration.FromSeconds(30);

    internal void Validate(string path, ValidationErrors errors)
    {
        errors.Range($"{path}.timeout", Timeout, Duration.FromSeconds(1), Duration.FromHours(24 * 7));
        errors.Range($"{path}.max_templates", MaxTemplates, 1, 10_000_000);
        errors.Range($"{path}.max_exporters", MaxExporters, 1, 1_000_000);
        errors.Range($"{path}.pending_max_bytes", PendingMaxBytes, new ByteSize(0), ByteSize.FromGiB(1));
        errors.Range($"{path}.pending_max_age", PendingMaxAge, Duration.FromSeconds(1), Duration.FromHours(1));
        errors.Range($"{path}.persist_interval", PersistInterval, Duration.FromSeconds(1), Duration.FromHours(24));
    }
}
