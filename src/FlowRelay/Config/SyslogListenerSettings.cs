using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>One entry of <c>inputs.syslog.listeners</c>: a socket syslog messages arrive on.</summary>
public sealed class SyslogListenerSettings
{
    internal static readonly string[] Protocols = ["udp", "tcp", "tls"];

    /// <summary>udp (RFC 5426), tcp (RFC 6587, octet counting or newline framing, told apart per connection) or tls (RFC 5425).</summary>
    [ConfigurationKeyName("protocol")]
    public string Protocol { get; set; } = "udp";

    /// <summary>"address:port"; IPv6 as "[::]:514". Port 0 picks a free port.</summary>
    [ConfigurationKeyName("listen")]
    public string Listen { get; set; } = "";

    /// <summary>DNS log format of the messages: auto (detected from the first recognised line per sender), bind, dnsmasq, unbound, zeek_json, zeek_tsv. CEF messages are recognised whatever this says.</summary>
    [ConfigurationKeyName("format")]
    public string Format { get; set; } = "auto";

    /// <summary>tls: the server certificate, PEM (may hold the chain).</summary>
    [ConfigurationKeyName("tls_certificate")]
    public string TlsCertificate { get; set; } = "";

    /// <summary>tls: the certificate's private key, PEM.</summary>
    [ConfigurationKeyName("tls_key")]
    public string TlsKey { get; set; } = "";

    /// <summary>tls: when set, clients must present a certificate issued by this CA (PEM); others are refused (RFC 5425 §5.2 mutual authentication).</summary>
    [ConfigurationKeyName("tls_client_ca")]
    public string TlsClientCa { get; set; } = "";

    internal string ProtocolName => Protocol.Trim().ToLowerInvariant();

    internal void Validate(string path, ValidationErrors errors)
    {
        if (!Protocols.Contains(ProtocolName))
            errors.Add($"{path}.protocol", $"must be one of {string.Join(", ", Protocols)} (got '{Protocol}')");
        if (!FlowInputSettings.TryParseEndpoint(Listen, out _))
            errors.Add($"{path}.listen", $"must be an IP address and port such as 0.0.0.0:514 or [::]:6514 (got '{Listen}')");
        if (!DnsLogFormatNames.TryParse(Format, out _))
            errors.Add($"{path}.format", $"must be one of {DnsLogFormatNames.Accepted} (got '{Format}')");
        if (ProtocolName == "tls")
        {
            RequireFile($"{path}.tls_certificate", TlsCertificate, errors, required: true);
            RequireFile($"{path}.tls_key", TlsKey, errors, required: true);
            RequireFile($"{path}.tls_client_ca", TlsClientCa, errors, required: false);
        }
        else if (!string.IsNullOrWhiteSpace(TlsCertificate) || !string.IsNullOrWhiteSpace(TlsKey) || !string.IsNullOrWhiteSpace(TlsClientCa))
        {
            errors.Add($"{path}.protocol", "tls_certificate, tls_key and tls_client_ca are only used with protocol: tls");
        }
    }

    private static void RequireFile(string setting, string value, ValidationErrors errors, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(setting, "is required for protocol: tls (a PEM file)");
            return;
        }
        if (!File.Exists(value)) errors.Add(setting, $"file '{value}' does not exist");
    }
}
