using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>outputs.ndjson</c> section: one ECS document per line in rotating files.</summary>
public sealed class NdjsonOutputSettings
{
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Folder of the files; empty means &lt;data_dir&gt;/events.</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "";

    /// <summary>A file is closed and a new one started when it reaches this size.</summary>
    [ConfigurationKeyName("max_file_size")]
    public ByteSize MaxFileSize { get; set; } = ByteSize.FromMiB(100);

    /// <summary>A file is closed and a new one started when it is this old.</summary>
    [ConfigurationKeyName("max_file_age")]
    public Duration MaxFileAge { get; set; } = Duration.FromHours(1);

    /// <summary>Files kept; the oldest are deleted beyond this.</summary>
    [ConfigurationKeyName("max_files")]
    public int MaxFiles { get; set; } = 100;

    /// <summary>Buffered lines are written to disk at least this often.</summary>
    [ConfigurationKeyName("flush_interval")]
    public Duration FlushInterval { get; set; } = Duration.FromSeconds(1);

    internal void Validate(string path, ValidationErrors errors)
    {
        errors.Range($"{path}.max_file_size", MaxFileSize, ByteSize.FromKiB(1), new ByteSize(1L << 40));
        errors.Range($"{path}.max_file_age", MaxFileAge, Duration.FromSeconds(1), Duration.FromHours(24 * 30));
        errors.Range($"{path}.max_files", MaxFiles, 1, 10_000);
        errors.Range($"{path}.flush_interval", FlushInterval, Duration.FromMilliseconds(10), Duration.FromMinutes(1));
    }
}
