using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Tests.Enrich;

public class DnsAnswerCacheTests
{
    private const long Second = 1_000_000_000;
    private static readonly long T0 = Flows.T0;

    private static DnsAnswerCache NewCache(int max = 1024) => new(max, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));

    private static FlowEvent[] Join(DnsAnswerCache cache, params FlowEvent[] events)
    {
        Flows.DefaultNetworks().Enrich(events);
        new DnsJoinEnricher(cache).Enrich(events);
        return events;
    }

    [Fact]
    public void Flow_after_the_clients_own_answer_gets_the_name()
    {
        var cache = NewCache();
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), "www.example.com.", 300, T0 - 5 * Second, "example.com");
        cache.Add(Flows.Ip("10.0.0.9"), Flows.Ip("93.184.216.34"), "other.example.net", 300, T0 - 1 * Second);

        var e = Join(cache, Flows.Event("10.0.0.5", "93.184.216.34", startNs: T0))[0];
        Assert.Equal("www.example.com", e.DestinationDomain);
        Assert.Equal("example.com", e.DestinationRegisteredDomain);
        Assert.True(e.DestinationResolved);
        Assert.True(cache.TryResolve(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), T0, out _, out bool byClient) && byClient);
    }

    [Fact]
    public void Another_clients_answer_is_the_fallback()
    {
        var cache = NewCache();
        cache.Add(Flows.Ip("10.0.0.9"), Flows.Ip("93.184.216.34"), "cdn.example.net", 300, T0 - Second);
        var e = Join(cache, Flows.Event("10.0.0.5", "93.184.216.34", startNs: T0))[0];
        Assert.Equal("cdn.example.net", e.DestinationDomain);
        Assert.Null(e.DestinationRegisteredDomain);
        Assert.True(cache.TryResolve(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), T0, out _, out bool byClient) && !byClient);
    }

    [Fact]
    public void Keys_tell_the_client_from_the_address_and_one_client_or_address_from_another()
    {
        // The tables keep fingerprints, not addresses: a swapped pair or a neighbour must not match.
        var cache = NewCache();
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("10.0.0.6"), "files.corp.example", 300, T0 - Second);
        Assert.True(cache.TryResolve(Flows.Ip("10.0.0.5"), Flows.Ip("10.0.0.6"), T0, out _, out bool byClient) && byClient);
        Assert.False(cache.TryResolve(Flows.Ip("10.0.0.6"), Flows.Ip("10.0.0.5"), T0, out _, out _)); // nobody resolved 10.0.0.5
        Assert.True(cache.TryResolve(Flows.Ip("10.0.0.7"), Flows.Ip("10.0.0.6"), T0, out _, out byClient) && !byClient);
        Assert.False(cache.TryResolve(Flows.Ip("10.0.0.5"), Flows.Ip("10.0.0.7"), T0, out _, out _));
        Assert.True(cache.TryResolve(Flows.Ip("10.0.0.5"), Flows.Ip("::ffff:10.0.0.6"), T0, out var a, out byClient) && byClient);
        Assert.Equal("files.corp.example", a.Name);
    }

    [Fact]
    public void Answer_after_the_flow_or_expired_does_not_name_it()
    {
        var cache = NewCache();
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), "late.example.com", 300, T0 + 10 * Second);
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("198.18.0.1"), "skew.example.com", 300, T0 + 1 * Second); // within the clock skew
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("8.8.8.8"), "old.example.com", 30, T0 - 120 * Second); // TTL raised to min_ttl 60 s, still expired
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("8.8.4.4"), "short.example.com", 5, T0 - 50 * Second);  // 5 s TTL kept for min_ttl 60 s

        var events = Join(cache,
            Flows.Event("10.0.0.5", "93.184.216.34", startNs: T0),
            Flows.Event("10.0.0.5", "198.18.0.1", startNs: T0),
            Flows.Event("10.0.0.5", "8.8.8.8", startNs: T0),
            Flows.Event("10.0.0.5", "8.8.4.4", startNs: T0));
        Assert.Null(events[0].DestinationDomain);
        Assert.False(events[0].DestinationResolved);
        Assert.Equal("skew.example.com", events[1].DestinationDomain);
        Assert.Null(events[1].DestinationResolved); // 198.18/15 is internal: not an outbound flow
        Assert.Null(events[2].DestinationDomain);
        Assert.Equal("short.example.com", events[3].DestinationDomain);
    }

    [Fact]
    public void Reply_record_gets_the_source_domain()
    {
        var cache = NewCache();
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), "www.example.com", 300, T0 - Second, "example.com");
        var e = Join(cache, Flows.Event("93.184.216.34", "10.0.0.5", 443, 40000, startNs: T0))[0];
        Assert.Equal("www.example.com", e.SourceDomain);
        Assert.Equal("example.com", e.SourceRegisteredDomain);
        Assert.Null(e.DestinationDomain);
        Assert.Null(e.DestinationResolved); // inbound
    }

    [Fact]
    public void Unresolved_flag_only_once_answers_arrive_and_only_outbound()
    {
        var cache = NewCache();
        var before = Join(cache, Flows.Event("10.0.0.5", "203.0.114.9", startNs: T0))[0];
        Assert.Null(before.DestinationResolved);

        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), "www.example.com", 300, T0 - Second);
        var events = Join(cache, Flows.Event("10.0.0.5", "203.0.114.9", startNs: T0), Flows.Event("10.0.0.5", "10.0.0.6", startNs: T0));
        Assert.False(events[0].DestinationResolved);
        Assert.Null(events[1].DestinationResolved);
    }

    [Fact]
    public void A_flood_of_distinct_answers_stays_bounded_and_counts_evictions()
    {
        var cache = NewCache(max: 4096);
        for (uint i = 0; i < 200_000; i++)
        {
            cache.Add(Flows.Ip("10.0.0.5"), FlowRelay.Protocols.Flows.IpAddr.FromV4(0x0B000000 + i), "n.example.com", 3600, T0 + i);
        }
        Assert.Equal(8192, cache.Capacity);
        Assert.True(cache.Count <= cache.Capacity);
        Assert.True(cache.Evictions >= 2 * (200_000 - 4096), $"evictions {cache.Evictions}");
        // The newest answers survive, the oldest are gone.
        Assert.True(cache.TryResolve(Flows.Ip("10.0.0.5"), FlowRelay.Protocols.Flows.IpAddr.FromV4(0x0B000000 + 199_999), T0 + 200_000, out var a, out _));
        Assert.Equal("n.example.com", a.Name);
        Assert.False(cache.TryResolve(Flows.Ip("10.0.0.5"), FlowRelay.Protocols.Flows.IpAddr.FromV4(0x0B000000), T0 + 200_000, out _, out _));
    }
}
