using FlowRelay.Engine.Enrich;

namespace FlowRelay.Engine.Tests.Enrich;

public class GeoIpLookupTests
{
    internal static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Enrich", "MaxMind");
    internal static GeoIpLookup New(int cache = 64) =>
        new(Path.Combine(Dir, "GeoIP2-City-Test.mmdb"), Path.Combine(Dir, "GeoLite2-ASN-Test.mmdb"), cache);

    [Fact]
    public void City_database_answers_as_its_json_source_says()
    {
        using var geo = New();
        var london = geo.Find(Flows.Ip("81.2.69.142"))!;
        Assert.Equal(("EU", "Europe", "GB", "United Kingdom"), (london.ContinentCode, london.ContinentName, london.CountryIsoCode, london.CountryName));
        Assert.Equal(("GB-ENG", "England", "London", "Europe/London"), (london.RegionIsoCode, london.RegionName, london.CityName, london.Timezone));
        Assert.Equal(51.5142, london.Latitude!.Value, 4);
        Assert.Equal(-0.0931, london.Longitude!.Value, 4);

        var milton = geo.Find(Flows.Ip("216.160.83.56"))!;
        Assert.Equal(("US-WA", "Milton", "98354"), (milton.RegionIsoCode, milton.CityName, milton.PostalCode));

        var japan = geo.Find(Flows.Ip("2001:218::1"))!;
        Assert.Equal(("JP", "Asia/Tokyo"), (japan.CountryIsoCode, japan.Timezone));
        Assert.Null(japan.CityName);
    }

    [Fact]
    public void Asn_database_answers_number_and_organization()
    {
        using var geo = New();
        var google = geo.Find(Flows.Ip("1.0.0.1"))!;
        Assert.Equal((15169u, "Google Inc."), (google.AsNumber, google.AsOrganization));
        Assert.False(google.HasGeo);
        var att = geo.Find(Flows.Ip("12.81.92.1"))!;
        Assert.Equal((7018u, "AT&T Services"), (att.AsNumber, att.AsOrganization));
    }

    [Fact]
    public void Unknown_address_is_null_and_cached()
    {
        using var geo = New();
        Assert.Null(geo.Find(Flows.Ip("10.0.0.1")));
        Assert.Null(geo.Find(Flows.Ip("10.0.0.1")));
        Assert.Equal(1, geo.Misses);
    }

    [Fact]
    public void Only_one_database_configured()
    {
        using var asnOnly = new GeoIpLookup(null, Path.Combine(Dir, "GeoLite2-ASN-Test.mmdb"), 16);
        Assert.Equal(15169u, asnOnly.Find(Flows.Ip("1.0.0.1"))!.AsNumber);
        Assert.Null(asnOnly.Find(Flows.Ip("81.2.69.142")));
    }

    [Fact]
    public void Repeated_lookups_allocate_nothing_and_the_cache_stays_bounded()
    {
        using var geo = New(cache: 16);
        var hot = Flows.Ip("81.2.69.142");
        geo.Find(hot);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) geo.Find(hot);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1, geo.Misses);

        for (uint i = 0; i < 1000; i++) geo.Find(FlowRelay.Protocols.Flows.IpAddr.FromV4(0x51024500 + i));
        Assert.Equal(16, geo.Cache.Capacity);
        Assert.True(geo.Cache.Count <= 16);
        Assert.True(geo.Cache.Evictions > 900);
    }

    [Fact]
    public void Enricher_fills_both_sides()
    {
        using var geo = New();
        var events = new[] { Flows.Event("10.0.0.5", "81.2.69.142"), Flows.Event("1.0.0.1", "10.0.0.5") };
        new GeoIpEnricher(geo).Enrich(events);
        Assert.Null(events[0].SourceGeo);
        Assert.Equal("London", events[0].DestinationGeo!.CityName);
        Assert.Equal(15169u, events[1].SourceGeo!.AsNumber);
    }
}
