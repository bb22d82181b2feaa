using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>One entry of <c>inputs.files.sources</c>: a DNS log file to tail.</summary>
public sealed class FileTailSettings
{
    /// <summary>The log file as the resolver writes it (rotated copies beside it are found by inode).</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "";

    /// <summary>auto, bind, dnsmasq, unbound, zeek_json or zeek_tsv.</summary>
    [ConfigurationKeyName("format")]
    public string Format { get; set; } = "auto";

    internal void Validate(string path, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(Path) || !System.IO.Path.IsPathFullyQualified(Path))
            errors.Add($"{path}.path", $"must be an absolute file path (got '{Path}')");
        if (!DnsLogFormatNames.TryParse(Format, out _))
            errors.Add($"{path}.format", $"must be one of {DnsLogFormatNames.Accepted} (got '{Format}')");
    }
}
