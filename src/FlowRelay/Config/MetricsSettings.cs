using System.Net;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// The <c>metrics</c> section: a Prometheus endpoint (/metrics) with every stats.json counter, and
/// /healthz and /readyz. Off by default: a collector on a security network should not open a
/// port nobody asked for; turn it on and keep it on loopback or a management address.
/// </summary>
public sealed class MetricsSettings
{
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>"address:port" of the HTTP endpoint (9464 is the usual Prometheus exporter port).</summary>
    [ConfigurationKeyName("listen")]
    public string Listen { get; set; } = "127.0.0.1:9464";

    /// <summary>Exporters given their own label value (the first seen); the rest are summed under exporter="other".</summary>
    [ConfigurationKeyName("max_exporter_labels")]
    public int MaxExporterLabels { get; set; } = 100;

    /// <summary>The listen address as an endpoint (call after validation).</summary>
    public IPEndPoint ListenEndpoint() =>
        FlowInputSettings.TryParseEndpoint(Listen, out var ep) ? ep : throw new InvalidOperationException($"invalid metrics.listen '{Listen}'");

    internal void Validate(string path, ValidationErrors errors)
    {
        if (!FlowInputSettings.TryParseEndpoint(Listen, out var ep) || ep.Port == 0)
            errors.Add($"{path}.listen", $"must be an IP address and a port other than 0, such as 127.0.0.1:9464 (got '{Listen}')");
        errors.Range($"{path}.max_exporter_labels", MaxExporterLabels, 0, 10_000);
    }
}
