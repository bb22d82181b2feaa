using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>enrich.client_server</c> section: pairing one-way records with their reverse to tell client from server.</summary>
public sealed class ClientServerSettings
{
    /// <summary>How far apart (flow end times) a record and its reverse from the same exporter may be and still pair.</summary>
    [ConfigurationKeyName("pair_window")]
    public Duration PairWindow { get; set; } = Duration.FromSeconds(30);

    /// <summary>Most records remembered for pairing; beyond this the oldest are evicted (and counted).</summary>
    [ConfigurationKeyName("max_pairs")]
    public int MaxPairs { get; set; } = 65536;

    /// <summary>Ports at or above 1024 that are servers' ports here (below 1024 always are), e.g. 8080, 3389.</summary>
    [ConfigurationKeyName("service_ports")]
    public List<int> ServicePorts { get; set; } = [];

    internal void Validate(string path, ValidationErrors errors)
    {
        errors.Range($"{path}.pair_window", PairWindow, Duration.FromSeconds(1), Duration.FromMinutes(10));
        errors.Range($"{path}.max_pairs", MaxPairs, 1024, 16_777_216);
        for (int i = 0; i < ServicePorts.Count; i++) errors.Range($"{path}.service_ports[{i}]", ServicePorts[i], 1, 65535);
    }
}
