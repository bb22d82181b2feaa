using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Tests.Enrich;

public class EnrichmentAllocationTests
{
    /// <summary>The enrichers in the order RelayHost runs them (GeoIP, which decodes on a cache miss, last).</summary>
    internal static IFlowEnricher[] Chain(DnsAnswerCache cache, GeoIpLookup? geo = null)
    {
        var assets = AssetInventory.FromEntries([(System.Net.IPNetwork.Parse("10.0.0.0/24"), new AssetInfo { Name = "lan", Owner = "it", Criticality = "low" })]);
        var list = new List<IFlowEnricher>
        {
            new CommunityIdEnricher(),
            Flows.DefaultNetworks(new() { ["servers"] = ["10.0.0.0/28"] }, new() { ["hq"] = ["10.0.0.0/8"] }),
            new ClientServerEnricher(TimeSpan.FromSeconds(30), 4096, [8443]),
            new AssetEnricher(assets),
            new DnsJoinEnricher(cache),
            new ServiceNameEnricher(),
        };
        if (geo is not null) list.Add(new GeoIpEnricher(geo));
        return list.ToArray();
    }

    internal static FlowEvent[] Batch()
    {
        var batch = new FlowEvent[256];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = (i % 4) switch
            {
                0 => Flows.Event("10.0.0.5", "93.184.216.34", (ushort)(40000 + i), 443),
                1 => Flows.Event("93.184.216.34", "10.0.0.5", 443, (ushort)(40000 + i - 1), startNs: Flows.T0 + 1000),
                2 => Flows.Event("fd00::5", "2001:4860::8888", (ushort)(50000 + i), 53, 17, flags: null),
                _ => Flows.Event("10.0.0.5", "81.2.69.142", (ushort)(30000 + i), 22, reverseBytes: 5000),
            };
        }
        return batch;
    }

    [Fact]
    public void Enriching_a_batch_with_every_enricher_but_GeoIP_allocates_nothing()
    {
        var cache = new DnsAnswerCache(1024, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), "www.example.com", 300, Flows.T0 - 1_000_000_000, "example.com");
        var chain = Chain(cache);
        var template = Batch();
        var batch = new FlowEvent[template.Length];
        Run(chain, template, batch);

        Assert.Equal(0, LeastAllocatedOverRounds(chain, template, batch));

        Assert.Equal(NetworkDirection.Outbound, batch[0].Direction);
        Assert.Equal("www.example.com", batch[0].DestinationDomain);
        Assert.Equal("https", batch[0].ApplicationProtocol);
        Assert.Equal(ClientServerReason.PairedStartTime, batch[1].ClientServerReason);
        Assert.Equal("lan", batch[0].SourceAsset!.Name);
    }

    [Fact]
    public void With_GeoIP_a_warm_cache_allocates_nothing()
    {
        using var geo = GeoIpLookupTests.New();
        var chain = Chain(new DnsAnswerCache(64, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)), geo);
        var template = Batch();
        var batch = new FlowEvent[template.Length];
        Run(chain, template, batch);

        Assert.Equal(0, LeastAllocatedOverRounds(chain, template, batch));
        Assert.Equal("London", batch[3].DestinationGeo!.CityName);
    }

    // Least of five rounds of 100 runs (Allocations.Least): a per-record allocation shows in every round.
    private static long LeastAllocatedOverRounds(IFlowEnricher[] chain, FlowEvent[] template, FlowEvent[] batch) =>
        Allocations.Least(() =>
        {
            for (int i = 0; i < 100; i++) Run(chain, template, batch);
        });

    [Fact]
    public void Batches_of_any_size_allocate_nothing_once_the_largest_has_been_seen()
    {
        // The pairing pass keeps a scratch array that grows to the largest batch once; Community ID
        // hashes in groups of eight, so sizes that leave a partial group are included, and ICMP
        // records (type/code as ports) and a record without addresses too.
        var cache = new DnsAnswerCache(1024, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        cache.Add(Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), "www.example.com", 300, Flows.T0 - 1_000_000_000, "example.com");
        var chain = Chain(cache);
        var template = new FlowEvent[1024];
        var small = Batch();
        for (int i = 0; i < template.Length; i++)
        {
            template[i] = (i % 7) switch
            {
                5 => Flows.Event("10.0.0.5", "93.184.216.34", 8 << 8, 0, 1, flags: null),
                6 => Flows.Event("fd00::5", "2001:4860::8888", 128, 0, 58, flags: null),
                _ => small[i % small.Length],
            };
        }
        template[3].Flow.SourceAddress = default;
        var batch = new FlowEvent[template.Length];
        Run(chain, template, batch);

        int[] sizes = [1, 7, 8, 9, 255, 256, 257, 1023, 1024];
        Assert.Equal(0, Allocations.Least(() =>
        {
            foreach (int size in sizes)
            {
                template.AsSpan(0, size).CopyTo(batch);
                foreach (var enricher in chain) enricher.Enrich(batch.AsSpan(0, size));
            }
        }));
        Assert.True(batch[5].CommunityId.HasValue);
        Assert.True(batch[6].CommunityId.HasValue);
        Assert.False(batch[3].CommunityId.HasValue);
    }

    private static void Run(IFlowEnricher[] chain, FlowEvent[] template, FlowEvent[] batch)
    {
        template.CopyTo(batch, 0);
        foreach (var enricher in chain) enricher.Enrich(batch);
    }
}
