using System.Net;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>One entry of <c>exporters</c>: settings for the exporter sending from <see cref="Address"/>.</summary>
public sealed class ExporterSettings
{
    /// <summary>The exporter's source IP address as the relay sees it.</summary>
    [ConfigurationKeyName("address")]
    public string Address { get; set; } = "";

    /// <summary>A name for logs and stats.</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = "";

    /// <summary>1-in-N packet sampling applied when the export carries no sampling information; 0 means none.</summary>
    [ConfigurationKeyName("sampling_rate")]
    public uint SamplingRate { get; set; }

    /// <summary>Parses <see cref="Address"/>.</summary>
    public static bool TryParseAddress(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrWhiteSpace(text) || !IPAddress.TryParse(text.Trim(), out var a)) return false;
        address = a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
        return true;
    }

    internal void Validate(string path, ValidationErrors errors)
    {
        if (!TryParseAddress(Address, out _))
            errors.Add($"{path}.address", $"must be an IP address such as 192.0.2.1 or 2001:db8::1 (got '{Address}')");
        errors.Range($"{path}.sampling_rate", SamplingRate, 0, 1_000_000_000);
    }
}
