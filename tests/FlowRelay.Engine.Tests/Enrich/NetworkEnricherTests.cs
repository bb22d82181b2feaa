using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Tests.Enrich;

public class NetworkEnricherTests
{
    [Theory]
    [InlineData("10.1.2.3", "8.8.8.8", "outbound")]
    [InlineData("8.8.8.8", "192.168.1.10", "inbound")]
    [InlineData("172.16.0.5", "100.64.3.4", "internal")]     // RFC 1918 → CGNAT
    [InlineData("1.1.1.1", "8.8.8.8", "external")]
    [InlineData("fd12:3456::1", "2a00:1450::1", "outbound")]  // ULA → global
    [InlineData("2a00:1450::1", "fe80::1", "inbound")]       // global → link-local
    [InlineData("127.0.0.1", "::1", "internal")]
    [InlineData("169.254.10.1", "224.0.0.251", "internal")]  // link-local → multicast (mDNS)
    [InlineData("198.18.0.1", "9.9.9.9", "outbound")]        // benchmarking range is non-routable
    [InlineData("2001:db8::1", "2606:4700::1111", "outbound")]
    [InlineData("192.88.99.1", "10.0.0.1", "inbound")]       // 6to4 relay anycast is global (RFC 6890)
    public void Direction_follows_the_internal_zone_of_each_side(string src, string dst, string expected)
    {
        var events = new[] { Flows.Event(src, dst) };
        Flows.DefaultNetworks().Enrich(events);
        Assert.Equal(expected, events[0].Direction.ToEcs());
    }

    [Fact]
    public void Missing_address_gives_unknown()
    {
        var e = Flows.Event("10.0.0.1", "8.8.8.8");
        e.Flow.DestinationAddress = default;
        var events = new[] { e };
        Flows.DefaultNetworks().Enrich(events);
        Assert.Equal(NetworkDirection.Unknown, events[0].Direction);
    }

    [Fact]
    public void Named_networks_overlap_and_each_side_gets_all_its_zones()
    {
        var networks = new Dictionary<string, List<string>>
        {
            ["internal"] = ["private", "203.0.114.0/24"],   // the site's own public range counts as inside
            ["dmz"] = ["10.10.0.0/16", "203.0.114.128/25"],
            ["servers"] = ["10.10.5.0/24"],
        };
        var enricher = new NetworkEnricher(networks);
        var events = new[] { Flows.Event("10.10.5.7", "203.0.114.200"), Flows.Event("203.0.114.9", "8.8.4.4") };
        enricher.Enrich(events);

        Assert.Equal(["internal", "dmz", "servers"], events[0].SourceZones.ToArray());
        Assert.Equal(["internal", "dmz"], events[0].DestinationZones.ToArray());
        Assert.True(events[0].SourceZones.Contains("SERVERS"));
        Assert.Equal(NetworkDirection.Internal, events[0].Direction);
        Assert.Equal(NetworkDirection.Outbound, events[1].Direction);
        Assert.True(events[1].DestinationZones.IsEmpty);
    }

    [Fact]
    public void Replacing_internal_drops_the_default_ranges()
    {
        var enricher = new NetworkEnricher(new Dictionary<string, List<string>> { ["internal"] = ["10.0.0.0/8"] });
        var events = new[] { Flows.Event("192.168.1.1", "10.0.0.1") };
        enricher.Enrich(events);
        Assert.Equal(NetworkDirection.Inbound, events[0].Direction);
    }

    [Fact]
    public void Most_specific_site_wins()
    {
        var sites = new Dictionary<string, List<string>> { ["hq"] = ["10.1.0.0/16"], ["hq-lab"] = ["10.1.99.0/24"], ["branch"] = ["fd00:1::/48"] };
        var events = new[] { Flows.Event("10.1.99.4", "10.1.3.3"), Flows.Event("fd00:1::5", "2001:4860::8888") };
        Flows.DefaultNetworks(sites: sites).Enrich(events);
        Assert.Equal("hq-lab", events[0].SourceSite);
        Assert.Equal("hq", events[0].DestinationSite);
        Assert.Equal("branch", events[1].SourceSite);
        Assert.Null(events[1].DestinationSite);
    }

    [Fact]
    public void Upload_is_what_the_internal_host_sent_whoever_started()
    {
        // Outbound one-way record: the internal host sent 1000 bytes.
        // Inbound one-way record (the reply of the same conversation): the internal host received 7000.
        // Biflow from the outside in (internal host is the server): reverse counters are its upload.
        var events = new[]
        {
            Flows.Event("10.0.0.5", "93.184.216.34", bytes: 1000),
            Flows.Event("93.184.216.34", "10.0.0.5", 443, 40000, bytes: 7000),
            Flows.Event("93.184.216.34", "10.0.0.5", 50000, 22, bytes: 300, reverseBytes: 20_000_000),
            Flows.Event("10.0.0.5", "10.0.0.6"),
        };
        Flows.DefaultNetworks().Enrich(events);

        Assert.Equal((InternalSide.Source, 1000UL, 0UL), (events[0].InternalSide, events[0].UploadBytes, events[0].DownloadBytes));
        Assert.Equal(Flows.Ip("10.0.0.5"), events[0].InternalHost);
        Assert.Equal((InternalSide.Destination, 0UL, 7000UL), (events[1].InternalSide, events[1].UploadBytes, events[1].DownloadBytes));
        Assert.Equal((InternalSide.Destination, 20_000_000UL, 300UL), (events[2].InternalSide, events[2].UploadBytes, events[2].DownloadBytes));
        Assert.Equal(200_000UL, events[2].UploadPackets);
        Assert.Equal(InternalSide.None, events[3].InternalSide);
    }

    [Fact]
    public void Ranges_compile_to_disjoint_sorted_ranges()
    {
        var map = IpRangeMap<int>.Build(
            new[] { "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "0.0.0.0/0", "::/0", "2001:db8::/32" }
                .Select((c, i) => (IpRangeMap<int>.TryParseCidr(c, out var n) ? n : throw new Exception(c), i)),
            static (_, specific) => specific);
        Assert.True(map.TryGet(Flows.Ip("10.1.2.3"), out int v) && v == 2);
        Assert.True(map.TryGet(Flows.Ip("10.1.2.4"), out v) && v == 1);
        Assert.True(map.TryGet(Flows.Ip("10.200.0.1"), out v) && v == 0);
        Assert.True(map.TryGet(Flows.Ip("255.255.255.255"), out v) && v == 3);
        Assert.True(map.TryGet(Flows.Ip("2001:db8:ffff::1"), out v) && v == 5);
        Assert.True(map.TryGet(Flows.Ip("ffff::1"), out v) && v == 4);
        Assert.False(IpRangeMap<int>.Empty.TryGet(Flows.Ip("10.0.0.1"), out _));
        // 0/0 | 10/8 | 10.1/16 | host | 10.1/16 | 10/8 | 0/0 and ::/0 | db8 | ::/0
        Assert.Equal(10, map.RangeCount);
    }

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("192.0.2.9", "192.0.2.9/32")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8")]
    public void Cidr_parsing_masks_host_bits(string text, string expected)
    {
        Assert.True(IpRangeMap<int>.TryParseCidr(text, out var n));
        Assert.Equal(expected, n.ToString());
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.0/8/1")]
    [InlineData("")]
    public void Bad_cidrs_are_refused(string text) => Assert.False(IpRangeMap<int>.TryParseCidr(text, out _));

    /// <summary>A random CIDR, often nested in or next to the earlier ones so that ranges overlap and touch.</summary>
    private static (System.Net.IPNetwork Network, int Prefix) RandomCidr(Random random, bool v6)
    {
        byte[] bytes = new byte[v6 ? 16 : 4];
        random.NextBytes(bytes);
        bytes[0] = (byte)(random.Next(3) == 0 ? bytes[0] : 10); // most in one /8
        bytes[1] = (byte)(random.Next(2) == 0 ? bytes[1] : random.Next(4));
        int bits = v6 ? 128 : 32;
        int prefix = random.Next(4) == 0 ? bits : random.Next(v6 ? 0 : 4, bits + 1);
        Assert.True(IpRangeMap<int>.TryParseCidr($"{new System.Net.IPAddress(bytes)}/{prefix}", out var network));
        return (network, prefix);
    }

    private static System.Net.IPAddress RandomAddressNear(Random random, List<System.Net.IPNetwork> networks, bool v6)
    {
        byte[] bytes = new byte[v6 ? 16 : 4];
        random.NextBytes(bytes);
        var candidates = networks.Where(n => (n.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6) == v6).ToList();
        if (candidates.Count > 0 && random.Next(5) != 0)
        {
            // Inside or at the edge of a range: its first address, or the one just before it, or a random one in it.
            var n = candidates[random.Next(candidates.Count)];
            byte[] b = n.BaseAddress.GetAddressBytes();
            int hostBits = b.Length * 8 - n.PrefixLength;
            for (int i = 0; i < b.Length * 8; i++)
            {
                if (i >= b.Length * 8 - hostBits && random.Next(3) != 0) b[b.Length - 1 - i / 8] |= (byte)(bytes[i % bytes.Length] & (1 << (i % 8)));
            }
            if (random.Next(4) == 0)
            {
                for (int i = b.Length - 1; i >= 0 && b[i]-- == 0; i--) { } // one below
            }
            return new System.Net.IPAddress(b);
        }
        return new System.Net.IPAddress(bytes);
    }

    [Fact]
    public void Range_map_lookups_agree_with_checking_every_range()
    {
        var random = new Random(17);
        for (int round = 0; round < 200; round++)
        {
            var entries = new List<(System.Net.IPNetwork Network, int Value)>();
            int count = random.Next(0, 40);
            for (int i = 0; i < count; i++) entries.Add((RandomCidr(random, random.Next(3) == 0).Network, i));
            var mostSpecific = IpRangeMap<int>.Build(entries, static (_, specific) => specific);
            var union = IpRangeMap<ulong>.Build(entries.Select(e => (e.Network, 1UL << (e.Value % 64))), static (a, b) => a | b);
            var networks = entries.Select(e => e.Network).ToList();
            for (int probe = 0; probe < 200; probe++)
            {
                var address = RandomAddressNear(random, networks, random.Next(3) == 0);
                var covering = entries.Where(e => e.Network.Contains(address)).ToList();
                // Most specific wins; of equal prefixes, the later entry.
                var expected = covering.OrderBy(e => e.Network.PrefixLength).ThenBy(e => e.Value).LastOrDefault();
                Assert.Equal(covering.Count > 0, mostSpecific.TryGet(Flows.Ip(address.ToString()), out int value));
                if (covering.Count > 0) Assert.Equal(expected.Value, value);
                ulong bits = covering.Aggregate(0UL, (m, e) => m | 1UL << (e.Value % 64));
                Assert.Equal(covering.Count > 0, union.TryGet(Flows.Ip(address.ToString()), out ulong got));
                Assert.Equal(bits, got);
            }
        }
    }

    [Fact]
    public void Zones_and_sites_agree_with_checking_every_range()
    {
        // Zones and sites share one compiled map: each side's zones must still be every network
        // covering it, and its site the most specific site (of equal prefixes, the later).
        var random = new Random(23);
        for (int round = 0; round < 100; round++)
        {
            var networks = new Dictionary<string, List<string>>();
            var sites = new Dictionary<string, List<string>>();
            var zoneRanges = new List<(string Name, System.Net.IPNetwork Network)>();
            var siteRanges = new List<(int Index, System.Net.IPNetwork Network)>();
            int zoneCount = random.Next(1, 5), siteCount = random.Next(0, 5);
            for (int z = 0; z < zoneCount; z++)
            {
                string name = z == 0 ? "internal" : $"zone{z}";
                var cidrs = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomCidr(random, random.Next(3) == 0).Network).ToList();
                networks[name] = cidrs.Select(c => c.ToString()).ToList();
                zoneRanges.AddRange(cidrs.Select(c => (name, c)));
            }
            for (int st = 0; st < siteCount; st++)
            {
                var cidrs = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomCidr(random, random.Next(3) == 0).Network).ToList();
                sites[$"site{st}"] = cidrs.Select(c => c.ToString()).ToList();
                siteRanges.AddRange(cidrs.Select(c => (st, c)));
            }
            var enricher = new NetworkEnricher(networks, sites);
            var all = zoneRanges.Select(z => z.Network).Concat(siteRanges.Select(s => s.Network)).ToList();
            var events = new FlowEvent[64];
            for (int i = 0; i < events.Length; i++)
            {
                bool v6 = random.Next(3) == 0;
                events[i] = Flows.Event(RandomAddressNear(random, all, v6).ToString(), RandomAddressNear(random, all, v6).ToString());
            }
            enricher.Enrich(events);

            foreach (var e in events)
            {
                foreach (var (address, zones, site) in new[] { (e.Flow.SourceAddress, e.SourceZones, e.SourceSite), (e.Flow.DestinationAddress, e.DestinationZones, e.DestinationSite) })
                {
                    var ip = address.ToIPAddress();
                    string[] expectedZones = networks.Keys.Where(n => zoneRanges.Any(z => z.Name == n && z.Network.Contains(ip))).ToArray();
                    Assert.Equal(expectedZones, zones.ToArray());
                    string? expectedSite = siteRanges.Select((s, order) => (s.Index, s.Network, order))
                        .Where(s => s.Network.Contains(ip))
                        .OrderBy(s => s.Network.PrefixLength).ThenBy(s => s.order)
                        .Select(s => $"site{s.Index}").LastOrDefault();
                    Assert.Equal(expectedSite, site);
                }
            }
        }
    }
}
