using FlowRelay.Engine.Counters;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;
using MaxMind.Db;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// GeoIP (GeoIP2/GeoLite2 City or Country) and ASN (GeoLite2/GeoIP2 ASN) lookups through the
/// MaxMind DB reader, with a bounded per-address cache of the combined answers: a repeated
/// address costs a hash probe and allocates nothing; only a first lookup decodes (and allocates).
/// Either database may be absent. Not thread-safe (the cache); the readers themselves are.
/// </summary>
public sealed class GeoIpLookup : IDisposable, ICounterSource
{
    private readonly Reader? _city;
    private readonly Reader? _asn;
    private readonly BoundedCache<IpAddr, GeoInfo?> _cache;
    private long _clock;

    /// <param name="cityDatabase">Path of a City or Country .mmdb, or null.</param>
    /// <param name="asnDatabase">Path of an ASN .mmdb, or null.</param>
    /// <param name="cacheSize">Most addresses whose answers are kept.</param>
    public GeoIpLookup(string? cityDatabase, string? asnDatabase, int cacheSize)
    {
        // Memory-mapped: the OS shares and pages the file; nothing is copied onto the heap.
        if (!string.IsNullOrWhiteSpace(cityDatabase)) _city = new Reader(cityDatabase, FileAccessMode.MemoryMapped);
        if (!string.IsNullOrWhiteSpace(asnDatabase)) _asn = new Reader(asnDatabase, FileAccessMode.MemoryMapped);
        _cache = new BoundedCache<IpAddr, GeoInfo?>(cacheSize);
    }

    /// <summary>The answer cache (size, capacity, evictions).</summary>
    public BoundedCache<IpAddr, GeoInfo?> Cache => _cache;

    /// <summary>Lookups that had to read the databases.</summary>
    public long Misses { get; private set; }

    /// <inheritdoc />
    public string CounterSection => "enrich.geoip";

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("database_lookups", Misses), new("cache_entries", _cache.Count), new("cache_capacity", _cache.Capacity),
        new("cache_evicted", _cache.Evictions),
    ];

    /// <summary>What the databases know about <paramref name="address"/>, or null when nothing.</summary>
    public GeoInfo? Find(in IpAddr address)
    {
        if (!address.IsSet) return null;
        if (_cache.TryGet(address, out GeoInfo? cached, out _)) return cached;
        Misses++;
        GeoInfo? info = Read(address);
        _cache.Set(address, info, ++_clock);
        return info;
    }

    private GeoInfo? Read(in IpAddr address)
    {
        var ip = address.ToIPAddress();
        Dictionary<string, object>? city = null, asn = null;
        try
        {
            city = _city?.Find<Dictionary<string, object>>(ip);
            asn = _asn?.Find<Dictionary<string, object>>(ip);
        }
        catch (InvalidDatabaseException)
        {
            // A corrupt region of the file answers nothing for this address rather than failing the batch.
        }
        if (city is null && asn is null) return null;

        string? country = Str(Map(city, "country"), "iso_code");
        var subdivision = city is not null && city.TryGetValue("subdivisions", out var subs) && subs is IList<object> { Count: > 0 } list
            ? list[0] as IDictionary<string, object> : null;
        string? region = Str(subdivision, "iso_code");
        var location = Map(city, "location");
        return new GeoInfo
        {
            ContinentCode = Str(Map(city, "continent"), "code"),
            ContinentName = EnglishName(Map(city, "continent")),
            CountryIsoCode = country,
            CountryName = EnglishName(Map(city, "country")),
            // ECS region_iso_code is ISO 3166-2: country code, hyphen, subdivision code ("US-WA").
            RegionIsoCode = region is null ? null : country is null ? region : $"{country}-{region}",
            RegionName = EnglishName(subdivision),
            CityName = EnglishName(Map(city, "city")),
            PostalCode = Str(Map(city, "postal"), "code"),
            Timezone = Str(location, "time_zone"),
            Latitude = Num(location, "latitude"),
            Longitude = Num(location, "longitude"),
            AsNumber = asn is not null && asn.TryGetValue("autonomous_system_number", out var n) ? Convert.ToUInt32(n, System.Globalization.CultureInfo.InvariantCulture) : 0,
            AsOrganization = Str(asn, "autonomous_system_organization"),
        };
    }

    private static IDictionary<string, object>? Map(IDictionary<string, object>? d, string key) =>
        d is not null && d.TryGetValue(key, out var v) ? v as IDictionary<string, object> : null;

    private static string? Str(IDictionary<string, object>? d, string key) =>
        d is not null && d.TryGetValue(key, out var v) ? v as string : null;

    private static double? Num(IDictionary<string, object>? d, string key) =>
        d is not null && d.TryGetValue(key, out var v) && v is IConvertible c ? c.ToDouble(System.Globalization.CultureInfo.InvariantCulture) : null;

    private static string? EnglishName(IDictionary<string, object>? d) => Str(Map(d, "names"), "en");

    public void Dispose()
    {
        _city?.Dispose();
        _asn?.Dispose();
    }
}
