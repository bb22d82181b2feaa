using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// The <c>inputs.files</c> section: DNS log files tailed as logrotate leaves them (rename or
/// copytruncate), the read position kept in &lt;data_dir&gt;/file-positions.json.
/// </summary>
public sealed class FileInputSettings
{
    /// <summary>Turns file tailing off without removing the sources.</summary>
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>The files to tail; none by default.</summary>
    [ConfigurationKeyName("sources")]
    public List<FileTailSettings> Sources { get; set; } = [];

    /// <summary>How often a file at its end is checked for growth, truncation and rotation.</summary>
    [ConfigurationKeyName("poll_interval")]
    public Duration PollInterval { get; set; } = Duration.FromMilliseconds(250);

    /// <summary>Longest line kept; longer ones are cut to this and counted.</summary>
    [ConfigurationKeyName("max_line_size")]
    public ByteSize MaxLineSize { get; set; } = ByteSize.FromKiB(64);

    internal void Validate(string path, ValidationErrors errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Sources.Count; i++)
        {
            Sources[i].Validate($"{path}.sources[{i}]", errors);
            if (!string.IsNullOrWhiteSpace(Sources[i].Path) && !seen.Add(Sources[i].Path))
                errors.Add($"{path}.sources[{i}].path", $"'{Sources[i].Path}' is listed more than once");
        }
        errors.Range($"{path}.poll_interval", PollInterval, Duration.FromMilliseconds(10), Duration.FromMinutes(10));
        errors.Range($"{path}.max_line_size", MaxLineSize, new ByteSize(256), ByteSize.FromMiB(16));
    }
}
