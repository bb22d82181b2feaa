using FlowRelay.Emit.Cef;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>outputs.cef</c> section: alerts (and optionally every flow) as CEF over syslog.</summary>
public sealed class CefOutputSettings
{
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>Syslog receiver host name or address.</summary>
    [ConfigurationKeyName("host")]
    public string Host { get; set; } = "";

    [ConfigurationKeyName("port")]
    public int Port { get; set; } = 6514;

    /// <summary>udp, tcp or tls.</summary>
    [ConfigurationKeyName("transport")]
    public string Transport { get; set; } = "tls";

    /// <summary>TCP/TLS framing: octet_counting (RFC 6587 "LEN MSG") or newline.</summary>
    [ConfigurationKeyName("framing")]
    public string Framing { get; set; } = "octet_counting";

    /// <summary>rfc5424 or rfc3164.</summary>
    [ConfigurationKeyName("header")]
    public string Header { get; set; } = "rfc5424";

    /// <summary>Syslog facility number (16 = local0 … 23 = local7).</summary>
    [ConfigurationKeyName("facility")]
    public int Facility { get; set; } = 16;

    /// <summary>HOSTNAME in the syslog header; empty means this machine's name.</summary>
    [ConfigurationKeyName("hostname")]
    public string Hostname { get; set; } = "";

    /// <summary>Messages kept while the receiver is away; more are dropped and counted.</summary>
    [ConfigurationKeyName("queue_size")]
    public int QueueSize { get; set; } = 10_000;

    /// <summary>Longer messages are cut (at a character boundary) and counted.</summary>
    [ConfigurationKeyName("max_message_size")]
    public ByteSize MaxMessageSize { get; set; } = ByteSize.FromKiB(16);

    /// <summary>PEM CA that signed the receiver's certificate (tls), when not in the system store.</summary>
    [ConfigurationKeyName("ca_file")]
    public string CaFile { get; set; } = "";

    /// <summary>Name expected in the receiver's certificate; empty means host.</summary>
    [ConfigurationKeyName("server_name")]
    public string ServerName { get; set; } = "";

    /// <summary>Send every flow too, not only alerts and threat-index changes.</summary>
    [ConfigurationKeyName("all_events")]
    public bool AllEvents { get; set; }

    internal static readonly string[] Transports = ["udp", "tcp", "tls"];
    internal static readonly string[] Framings = ["octet_counting", "newline"];
    internal static readonly string[] Headers = ["rfc5424", "rfc3164"];

    internal void Validate(string path, ValidationErrors errors)
    {
        if (Enabled && string.IsNullOrWhiteSpace(Host)) errors.Add($"{path}.host", "must name the syslog receiver when enabled");
        errors.Range($"{path}.port", Port, 1, 65535);
        if (!Transports.Contains(Transport)) errors.Add($"{path}.transport", $"must be one of {string.Join(", ", Transports)} (got '{Transport}')");
        if (!Framings.Contains(Framing)) errors.Add($"{path}.framing", $"must be one of {string.Join(", ", Framings)} (got '{Framing}')");
        if (!Headers.Contains(Header)) errors.Add($"{path}.header", $"must be one of {string.Join(", ", Headers)} (got '{Header}')");
        errors.Range($"{path}.facility", Facility, 0, 23);
        errors.Range($"{path}.queue_size", QueueSize, 1, 10_000_000);
        errors.Range($"{path}.max_message_size", MaxMessageSize, ByteSize.FromKiB(1), ByteSize.FromKiB(60));
        if (CaFile.Length > 0 && !File.Exists(CaFile)) errors.Add($"{path}.ca_file", $"file not found: '{CaFile}'");
    }

    public SyslogSenderOptions ToSenderOptions() => new()
    {
        Host = Host,
        Port = Port,
        Transport = Transport switch { "udp" => SyslogTransport.Udp, "tcp" => SyslogTransport.Tcp, _ => SyslogTransport.Tls },
        Framing = Framing == "newline" ? SyslogFraming.Newline : SyslogFraming.OctetCounting,
        QueueSize = QueueSize,
        MaxMessageBytes = (int)MaxMessageSize.Bytes,
        CaFile = CaFile.Length > 0 ? CaFile : null,
        ServerName = ServerName.Length > 0 ? ServerName : null,
    };

    public CefFormatter CreateFormatter() =>
        new(Header == "rfc3164" ? SyslogHeader.Rfc3164 : SyslogHeader.Rfc5424, Facility, Hostname.Length > 0 ? Hostname : Environment.MachineName);
}
