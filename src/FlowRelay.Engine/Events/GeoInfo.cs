namespace FlowRelay.Engine.Events;

/// <summary>
/// What the MaxMind databases say about one address (ECS <c>*.geo.*</c> and <c>*.as.*</c>). Immutable
/// and shared: the GeoIP enricher caches one per address, so repeated lookups allocate nothing.
/// </summary>
public sealed class GeoInfo
{
    public string? ContinentCode { get; init; }
    public string? ContinentName { get; init; }
    public string? CountryIsoCode { get; init; }
    public string? CountryName { get; init; }
    public string? RegionIsoCode { get; init; }
    public string? RegionName { get; init; }
    public string? CityName { get; init; }
    public string? PostalCode { get; init; }
    public string? Timezone { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }

    /// <summary>Autonomous system number (0 when unknown).</summary>
    public uint AsNumber { get; init; }

    public string? AsOrganization { get; init; }

    /// <summary>True when any geo (not AS) field is set.</summary>
    public bool HasGeo => CountryIsoCode is not null || ContinentCode is not null || CityName is not null || Latitude is not null;

    /// <summary>
    /// This answer's <c>geo</c> and <c>as</c> members as the flow document writer writes them, made on
    /// first use, one per escaping (relaxed, the default encoder's). The answer is immutable and
    /// shared by every flow to its address, so they are serialised once, not per document.
    /// </summary>
    internal byte[]? EcsRelaxed, EcsDefault;
}
