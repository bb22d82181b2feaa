using FlowRelay.Engine.Enrich;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>enrich.geoip</c> section: MaxMind databases for *.geo.* and *.as.* (off unless a path is set).</summary>
public sealed class GeoIpSettings
{
    /// <summary>A GeoIP2/GeoLite2 City or Country .mmdb. Empty: no geo fields.</summary>
    [ConfigurationKeyName("city_database")]
    public string CityDatabase { get; set; } = "";

    /// <summary>A GeoIP2/GeoLite2 ASN .mmdb. Empty: no AS organisation (the exporter's AS number still shows).</summary>
    [ConfigurationKeyName("asn_database")]
    public string AsnDatabase { get; set; } = "";

    /// <summary>Most addresses whose answers are cached; a cached address costs no decoding and no allocation.</summary>
    [ConfigurationKeyName("cache_size")]
    public int CacheSize { get; set; } = 65536;

    /// <summary>True when either database is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CityDatabase) || !string.IsNullOrWhiteSpace(AsnDatabase);

    internal void Validate(string path, ValidationErrors errors)
    {
        errors.Range($"{path}.cache_size", CacheSize, 16, 16_777_216);
        CheckDatabase($"{path}.city_database", CityDatabase, errors);
        CheckDatabase($"{path}.asn_database", AsnDatabase, errors);
    }

    private static void CheckDatabase(string setting, string file, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(file)) return;
        try
        {
            using var lookup = new GeoIpLookup(file, null, 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or MaxMind.Db.InvalidDatabaseException or ArgumentException)
        {
            errors.Add(setting, $"'{file}' is not a readable MaxMind database: {e.Message}");
        }
    }
}
