using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>outputs</c> section: where events go.</summary>
public sealed class OutputsSettings
{
    /// <summary>Rotating ECS NDJSON files.</summary>
    [ConfigurationKeyName("ndjson")]
    public NdjsonOutputSettings Ndjson { get; set; } = new();

    /// <summary>Elasticsearch data streams, through the disk spool.</summary>
    [ConfigurationKeyName("elasticsearch")]
    public ElasticsearchOutputSettings Elasticsearch { get; set; } = new();

    /// <summary>Kibana, for <c>flowrelay setup kibana</c> (the bundled dashboards).</summary>
    [ConfigurationKeyName("kibana")]
    public KibanaOutputSettings Kibana { get; set; } = new();

    /// <summary>Alerts (optionally every flow) as CEF over syslog.</summary>
    [ConfigurationKeyName("cef")]
    public CefOutputSettings Cef { get; set; } = new();
}
