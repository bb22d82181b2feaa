using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>inputs</c> section: where events come from.</summary>
public sealed class InputsSettings
{
    /// <summary>NetFlow v1/v5/v7/v9 and IPFIX over UDP.</summary>
    [ConfigurationKeyName("flow")]
    public FlowInputSettings Flow { get; set; } = new();

    /// <summary>DNS query logs and CEF over syslog (UDP, TCP, TLS).</summary>
    [ConfigurationKeyName("syslog")]
    public SyslogInputSettings Syslog { get; set; } = new();

    /// <summary>DNS query log files, tailed.</summary>
    [ConfigurationKeyName("files")]
    public FileInputSettings Files { get; set; } = new();

    /// <summary>
    /// The Public Suffix List DNS names are split with (registered domain, subdomain, top-level
    /// domain). Default: the file of Debian's <c>publicsuffix</c> package.
    /// </summary>
    [ConfigurationKeyName("public_suffix_list")]
    public string PublicSuffixList { get; set; } = Engine.Dns.PublicSuffixList.SystemPath;

    /// <summary>True when any syslog listener or tailed file is configured and enabled.</summary>
    public bool HasLogInputs => (Syslog.Enabled && Syslog.Listeners.Count > 0) || (Files.Enabled && Files.Sources.Count > 0);

    /// <summary>Checks the syslog, files and public_suffix_list settings.</summary>
    internal void ValidateLogInputs(string path, ValidationErrors errors)
    {
        Syslog.Validate($"{path}.syslog", errors);
        Files.Validate($"{path}.files", errors);
        if (HasLogInputs && !File.Exists(PublicSuffixList))
            errors.Add($"{path}.public_suffix_list", $"file '{PublicSuffixList}' does not exist (install the publicsuffix package or point this at a copy of https://publicsuffix.org/list/public_suffix_list.dat)");
    }
}
