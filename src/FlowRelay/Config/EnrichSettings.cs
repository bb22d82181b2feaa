using FlowRelay.Engine.Enrich;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>enrich</c> section: what the enrichment stage adds to every flow.</summary>
public sealed class EnrichSettings
{
    /// <summary>Most named networks (each is one bit of a zone mask).</summary>
    public const int MaxNetworks = 64;

    /// <summary>
    /// Named networks: name → CIDR ranges or addresses (the word <c>private</c> stands for the
    /// non-routable special-purpose ranges). <c>internal</c> decides <c>network.direction</c>; it
    /// defaults to <c>[private]</c> and, when given, replaces that default.
    /// </summary>
    [ConfigurationKeyName("networks")]
    public Dictionary<string, List<string>> Networks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Named sites: name → CIDR ranges; each address gets its most specific site.</summary>
    [ConfigurationKeyName("sites")]
    public Dictionary<string, List<string>> Sites { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    [ConfigurationKeyName("client_server")]
    public ClientServerSettings ClientServer { get; set; } = new();

    [ConfigurationKeyName("dns_join")]
    public DnsJoinSettings DnsJoin { get; set; } = new();

    [ConfigurationKeyName("assets")]
    public AssetSettings Assets { get; set; } = new();

    [ConfigurationKeyName("geoip")]
    public GeoIpSettings GeoIp { get; set; } = new();

    internal void ApplyDerivedDefaults()
    {
        if (!Networks.ContainsKey(NetworkEnricher.InternalNetwork)) Networks[NetworkEnricher.InternalNetwork] = [SpecialPurposeNetworks.Keyword];
    }

    internal void Validate(string path, ValidationErrors errors)
    {
        if (Networks.Count > MaxNetworks) errors.Add($"{path}.networks", $"at most {MaxNetworks} named networks (got {Networks.Count})");
        ValidateRanges($"{path}.networks", Networks, errors);
        ValidateRanges($"{path}.sites", Sites, errors);
        ClientServer.Validate($"{path}.client_server", errors);
        DnsJoin.Validate($"{path}.dns_join", errors);
        Assets.Validate($"{path}.assets", errors);
        GeoIp.Validate($"{path}.geoip", errors);
    }

    private static void ValidateRanges(string path, Dictionary<string, List<string>> sets, ValidationErrors errors)
    {
        foreach (var (name, cidrs) in sets)
        {
            if (cidrs.Count == 0) errors.Add($"{path}.{name}", "must list at least one CIDR range");
            for (int i = 0; i < cidrs.Count; i++)
            {
                string c = cidrs[i];
                if (string.Equals(c?.Trim(), SpecialPurposeNetworks.Keyword, StringComparison.OrdinalIgnoreCase)) continue;
                if (!IpRangeMap<int>.TryParseCidr(c, out _))
                    errors.Add($"{path}.{name}[{i}]", $"must be a CIDR range such as 10.0.0.0/8 or fd00::/8, an address, or '{SpecialPurposeNetworks.Keyword}' (got '{c}')");
            }
        }
    }
}
