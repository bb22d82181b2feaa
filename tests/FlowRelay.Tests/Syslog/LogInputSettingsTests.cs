using System.Collections;
using FlowRelay.Config;
using FlowRelay.Protocols.DnsLogs;
using Xunit;

namespace FlowRelay.Tests.Syslog;

/// <summary>inputs.syslog.*, inputs.files.* and inputs.public_suffix_list: bound from YAML, every mistake named by its setting.</summary>
public class LogInputSettingsTests
{
    private static ConfigLoadResult Yaml(string yaml) => ConfigLoader.LoadYaml(yaml, new Hashtable(), "test.yaml");

    [Fact]
    public void Listeners_and_files_bind_from_yaml()
    {
        var r = Yaml("""
            inputs:
              syslog:
                listeners:
                  - { protocol: udp, listen: "0.0.0.0:5514", format: bind }
                  - { protocol: TCP, listen: "[::]:5514" }
                max_message_size: 8KiB
                idle_timeout: 30s
                timezone_offset: "-05:30"
              files:
                sources:
                  - { path: /var/log/unbound.log, format: unbound }
            """);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        var s = r.Settings!.Inputs;
        Assert.True(s.HasLogInputs);
        Assert.Equal(2, s.Syslog.Listeners.Count);
        Assert.Equal("bind", s.Syslog.Listeners[0].Format);
        Assert.Equal(8192, s.Syslog.MaxMessageSize.Bytes);
        Assert.True(SyslogInputSettings.TryParseOffset(s.Syslog.TimezoneOffset, out int minutes));
        Assert.Equal(-330, minutes);
        Assert.True(DnsLogFormatNames.TryParse(s.Files.Sources[0].Format, out var f));
        Assert.Equal(DnsLogFormat.Unbound, f);
    }

    [Fact]
    public void Mistakes_are_named_by_their_setting()
    {
        var r = Yaml("""
            inputs:
              syslog:
                listeners:
                  - { protocol: sctp, listen: "nowhere", format: bind9 }
                  - { protocol: tls, listen: "0.0.0.0:6514" }
                  - { protocol: udp, listen: "0.0.0.0:514", tls_key: /x }
                max_connections: 0
                timezone_offset: "CET"
              files:
                sources:
                  - { path: relative.log }
                  - { path: /a.log }
                  - { path: /a.log }
              public_suffix_list: /nonexistent/psl.dat
            """);
        Assert.False(r.IsValid);
        string[] expected =
        [
            "setting 'inputs.syslog.listeners[0].protocol': must be one of udp, tcp, tls (got 'sctp')",
            "setting 'inputs.syslog.listeners[0].listen': must be an IP address and port such as 0.0.0.0:514 or [::]:6514 (got 'nowhere')",
            "setting 'inputs.syslog.listeners[0].format': must be one of auto, bind, dnsmasq, unbound, zeek_json, zeek_tsv (got 'bind9')",
            "setting 'inputs.syslog.listeners[1].tls_certificate': is required for protocol: tls (a PEM file)",
            "setting 'inputs.syslog.listeners[1].tls_key': is required for protocol: tls (a PEM file)",
            "setting 'inputs.syslog.listeners[2].protocol': tls_certificate, tls_key and tls_client_ca are only used with protocol: tls",
            "setting 'inputs.syslog.timezone_offset': must be an offset such as +00:00, +01:00 or -05:30 (got 'CET')",
            "setting 'inputs.files.sources[0].path': must be an absolute file path (got 'relative.log')",
            "setting 'inputs.files.sources[2].path': '/a.log' is listed more than once",
        ];
        foreach (var e in expected) Assert.Contains(e, r.Errors);
        Assert.Contains(r.Errors, e => e.StartsWith("setting 'inputs.syslog.max_connections'", StringComparison.Ordinal));
        Assert.Contains(r.Errors, e => e.StartsWith("setting 'inputs.public_suffix_list': file '/nonexistent/psl.dat' does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_log_inputs_a_missing_suffix_list_is_no_error()
    {
        var r = Yaml("inputs:\n  public_suffix_list: /nonexistent/psl.dat\n");
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
    }
}
