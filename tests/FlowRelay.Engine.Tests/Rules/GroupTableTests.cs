using FlowRelay.Engine.Rules.Correlation;

namespace FlowRelay.Engine.Tests.Rules;

public class GroupTableTests
{
    private static CorrelationGroup Group(ulong n) => new(new GroupKey { P0 = new KeyPart(n, 0, 4) }, [n.ToString()], new SlidingWindow(30, 6));

    [Fact]
    public void Random_adds_and_removes_agree_with_a_dictionary_even_when_every_hash_collides_in_few_slots()
    {
        // Hashes forced into 8 home slots make long probe runs that wrap around the table's end, so
        // every case of the backward-shift removal is exercised.
        foreach (bool collide in new[] { false, true })
        {
            var table = new GroupTable();
            var reference = new Dictionary<ulong, (CorrelationGroup Group, int Hash)>();
            var random = new Random(collide ? 11 : 7);
            for (int step = 0; step < 20_000; step++)
            {
                ulong n = (ulong)random.Next(600);
                var key = new GroupKey { P0 = new KeyPart(n, 0, 4) };
                int hash = collide ? (int)(((n % 8) * 0x1F1F1F1) | 1) : GroupTable.HashOf(in key);
                if (reference.TryGetValue(n, out var held))
                {
                    Assert.Same(held.Group, table.Find(in key, hash));
                    if (random.Next(2) == 0)
                    {
                        Assert.True(table.Remove(held.Group, held.Hash));
                        reference.Remove(n);
                        Assert.Null(table.Find(in key, hash));
                    }
                }
                else
                {
                    Assert.Null(table.Find(in key, hash));
                    var g = Group(n);
                    table.Add(g, hash);
                    reference[n] = (g, hash);
                }
                Assert.Equal(reference.Count, table.Count);
            }
            foreach (var (n, (g, hash)) in reference) Assert.Same(g, table.Find(new GroupKey { P0 = new KeyPart(n, 0, 4) }, hash));
        }
    }

    [Fact]
    public void Removing_a_group_that_is_not_there_changes_nothing()
    {
        var table = new GroupTable();
        var a = Group(1);
        table.Add(a, 3);
        Assert.False(table.Remove(Group(2), 3));
        Assert.Equal(1, table.Count);
        Assert.Same(a, table.Find(a.Key, 3));
    }

    [Fact]
    public void Peek_names_the_group_in_the_home_slot_only_when_its_hash_matches()
    {
        var table = new GroupTable();
        var a = Group(1);
        table.Add(a, 5);
        Assert.Same(a, table.Peek(5));
        Assert.Null(table.Peek(7));
        table.Prefetch(5); // a hint only: nothing to observe but that it does not throw
        CachePrefetch.Object(a);
    }
}
