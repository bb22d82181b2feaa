using FlowRelay.Engine.Enrich;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Enrich;

public class BoundedCacheTests
{
    /// <summary>A key whose hash the test chooses, so keys can be made to share a set and a tag.</summary>
    private readonly record struct Key(int Id, int Hash)
    {
        public override int GetHashCode() => Hash;
    }

    [Fact]
    public void Keys_with_the_same_hash_are_told_apart_by_equality()
    {
        var cache = new BoundedCache<Key, string>(16);
        cache.Set(new Key(1, 42), "one", 1);
        cache.Set(new Key(2, 42), "two", 2);

        Assert.True(cache.TryGet(new Key(1, 42), out string? one, out long stamp1));
        Assert.True(cache.TryGet(new Key(2, 42), out string? two, out long stamp2));
        Assert.False(cache.TryGet(new Key(3, 42), out _, out _));
        Assert.Equal(("one", 1L, "two", 2L), (one, stamp1, two, stamp2));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void A_full_set_evicts_its_oldest_entry_and_counts_it_as_evicted_or_expired()
    {
        var cache = new BoundedCache<Key, int>(16); // 4 sets of 4: one hash fills one set
        for (int i = 0; i < 4; i++) cache.Set(new Key(i, 7), i, stamp: 10 + i);
        cache.Set(new Key(0, 7), 100, stamp: 20); // refreshed: key 1 is now the oldest

        cache.Set(new Key(4, 7), 4, stamp: 21);
        Assert.False(cache.TryGet(new Key(1, 7), out _, out _));
        Assert.Equal((4, 1L, 0L), (cache.Count, cache.Evictions, cache.Expirations));

        cache.Set(new Key(5, 7), 5, stamp: 22, expiredBefore: 15); // key 2 (stamp 12) has expired
        Assert.False(cache.TryGet(new Key(2, 7), out _, out _));
        Assert.Equal((4, 1L, 1L), (cache.Count, cache.Evictions, cache.Expirations));
        Assert.True(cache.TryGet(new Key(0, 7), out int value, out long stamp));
        Assert.Equal((100, 20L), (value, stamp));
    }

    [Fact]
    public void Clear_frees_every_slot_and_keeps_the_counters()
    {
        var cache = new BoundedCache<Key, int>(4);
        for (int i = 0; i < 5; i++) cache.Set(new Key(i, 1), i, i);
        cache.Clear();
        Assert.Equal((0, 1L), (cache.Count, cache.Evictions));
        Assert.False(cache.TryGet(new Key(4, 1), out _, out _));
        cache.Set(new Key(9, 1), 9, 9);
        Assert.Equal((1, 1L), (cache.Count, cache.Evictions));
    }

    [Fact]
    public void Find_returns_a_reference_to_the_stored_value()
    {
        var cache = new BoundedCache<Key, int>(8);
        cache.Set(new Key(1, 5), 10, 1);
        ref int v = ref cache.Find(new Key(1, 5), out _);
        v = 11;
        Assert.True(cache.TryGet(new Key(1, 5), 5, out int value, out _));
        Assert.Equal(11, value);
    }

    [Fact]
    public void A_flow_key_and_its_reverse_hash_alike_but_for_a_tag_bit_and_other_keys_differ()
    {
        var exporter = Flows.Ip("192.0.2.1");
        var key = new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 6);
        Assert.Equal(2, key.GetHashCode() ^ key.Reverse().GetHashCode());
        FlowKey.Hash(FastHash.Of(exporter), key.Source, key.Destination, key.SourcePort, key.DestinationPort, key.Protocol, out int reverseHash);
        Assert.Equal(key.Reverse().GetHashCode(), reverseHash);
        var loop = new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("10.0.0.5"), 7, 7, 17); // its own reverse
        Assert.Equal(loop.GetHashCode(), loop.Reverse().GetHashCode());
        Assert.NotEqual(key, key.Reverse());
        var others = new[]
        {
            new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40001, 443, 6),
            new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 17),
            new FlowKey(Flows.Ip("192.0.2.2"), Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 6),
            new FlowKey(exporter, Flows.Ip("10.0.0.6"), Flows.Ip("93.184.216.34"), 40000, 443, 6),
            new FlowKey(exporter, Flows.Ip("::ffff:10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 6), // made IPv4: equal
        };
        for (int i = 0; i < 4; i++) Assert.NotEqual(key.GetHashCode(), others[i].GetHashCode());
        Assert.Equal(key.GetHashCode(), others[4].GetHashCode());
    }

    [Fact]
    public void A_flow_fingerprint_tells_the_key_from_its_reverse_and_from_other_keys_and_keeps_the_hash_in_its_low_half()
    {
        var exporter = Flows.Ip("192.0.2.1");
        ulong Fp(FlowKey k, out ulong reverse) =>
            FlowKey.Fingerprint(FastHash.Of(k.Exporter), k.Source, k.Destination, k.SourcePort, k.DestinationPort, k.Protocol, out reverse);
        var key = new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 6);
        ulong fp = Fp(key, out ulong reverseFp);
        Assert.Equal(key.GetHashCode(), (int)fp);
        Assert.Equal(key.Reverse().GetHashCode(), (int)reverseFp);
        Assert.Equal(reverseFp, Fp(key.Reverse(), out ulong backAgain));
        Assert.Equal(fp, backAgain);
        Assert.NotEqual(fp, reverseFp);
        var loop = new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("10.0.0.5"), 7, 7, 17); // its own reverse
        Assert.Equal(Fp(loop, out ulong loopReverse), loopReverse);
        var others = new[]
        {
            new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40001, 443, 6),
            new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 17),
            new FlowKey(Flows.Ip("192.0.2.2"), Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 6),
            new FlowKey(exporter, Flows.Ip("10.0.0.6"), Flows.Ip("93.184.216.34"), 40000, 443, 6),
            new FlowKey(exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), 443, 40000, 6), // ports swapped only
        };
        foreach (var other in others)
        {
            ulong o = Fp(other, out ulong oReverse);
            Assert.NotEqual(fp, o);
            Assert.NotEqual(fp, oReverse);
        }
        var mapped = new FlowKey(exporter, Flows.Ip("::ffff:10.0.0.5"), Flows.Ip("93.184.216.34"), 40000, 443, 6); // made IPv4: equal
        Assert.Equal(fp, Fp(mapped, out _));
    }

    [Fact]
    public void Flow_keys_spread_over_the_sets()
    {
        // 2048 flows of one client to one server on consecutive ports into 1024 sets of 4.
        var cache = new BoundedCache<FlowKey, int>(4096);
        for (int i = 0; i < 2048; i++)
        {
            cache.Set(new FlowKey(Flows.Exporter, Flows.Ip("10.0.0.5"), Flows.Ip("93.184.216.34"), (ushort)(40000 + i), 443, 6), i, 1);
        }
        // A uniform hash puts Poisson(2) keys in a set; the keys beyond 4 per set are evicted,
        // about 0.074 per set, 76 in all. A hash that clustered the ports would evict hundreds.
        Assert.True(cache.Evictions < 150, $"evictions {cache.Evictions}");
        Assert.Equal(2048 - cache.Evictions, cache.Count);
    }
}
