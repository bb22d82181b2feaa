using CsCheck;
using FlowRelay.Engine.Rules.Correlation;

namespace FlowRelay.Engine.Tests.Rules;

public class SlidingWindowTests
{
    private const int Span = 10, Late = 5;

    // (10, 5): small arrays only; (30, 30): one move to a 64-entry chunk of the pool; (30, 600):
    // doubling through the pool's chunks from 32 to 1,024, the chunks grown out of reused.
    [Theory]
    [InlineData(Span, Late, -6, 12)]
    [InlineData(30, 30, -20, 8)]
    [InlineData(30, 600, -400, 8)]
    public void Matches_a_brute_force_model_for_any_order_of_events(int span, int lateness, int earliest, int latest)
    {
        // Each step moves time from the newest by earliest..latest buckets: in-order, same-bucket, late and too-late events.
        // One pool for every sample, so chunks an earlier window grew out of are reused; like the rule
        // thread that owns a pool in the relay, the samples run on one thread (the pool is not thread-safe).
        var pool = new WindowChunkPool(span + lateness);
        Gen.Select(Gen.Int[earliest, latest], Gen.Int[1, 1000]).Array[1, 400].Sample(steps =>
        {
            var w = new SlidingWindow(span, lateness);
            var kept = new List<(long Bucket, long Value)>();
            long newest = long.MinValue;
            foreach (var (delta, value) in steps)
            {
                long bucket = newest == long.MinValue ? 1000 : newest + delta;
                bool expectAccepted = newest == long.MinValue || bucket > newest - span - lateness;
                bool isLate = newest != long.MinValue && bucket < newest;
                Assert.Equal(expectAccepted, w.Add(bucket, value, pool));
                if (!expectAccepted) continue;
                kept.Add((bucket, value));
                newest = Math.Max(newest, bucket);
                kept.RemoveAll(k => k.Bucket <= newest - span - lateness);

                Assert.Equal(newest, w.Newest);
                Assert.Equal(kept.Where(k => k.Bucket > newest - span).Sum(k => k.Value), w.Sum);
                Assert.Equal(kept.Count(k => k.Bucket > newest - span), w.Count);
                Assert.True(w.Entries <= span + lateness);
                if (isLate)
                {
                    // Best window containing the late bucket, ending at an event bucket no later than newest.
                    long best = kept.Where(k => k.Bucket >= bucket && k.Bucket < bucket + span)
                        .Select(k => kept.Where(x => x.Bucket > k.Bucket - span && x.Bucket <= k.Bucket).Sum(x => x.Value)).Max();
                    Assert.Equal(best, w.MaxContaining(bucket, byCount: false).Sum);
                }
            }
        }, threads: 1);
    }

    [Fact]
    public void Clear_forgets_everything()
    {
        var w = new SlidingWindow(Span, Late);
        var pool = new WindowChunkPool(Span + Late);
        w.Add(5, 10, pool);
        w.Add(6, 10, pool);
        w.Clear();
        Assert.Equal(0, w.Sum);
        Assert.Equal(0, w.Entries);
        Assert.True(w.Add(1, 3, pool)); // after a clear any time is accepted again
        Assert.Equal(3, w.Sum);
    }

    [Fact]
    public void A_window_that_outgrows_the_small_arrays_moves_once_to_a_chunk_for_its_whole_kept_range()
    {
        // The bundled rules' shape: 30 buckets of window and 30 of lateness.
        var pool = new WindowChunkPool(60);
        var w = new SlidingWindow(30, 30);
        var capacities = new List<int> { w.Capacity };
        for (long b = 0; b < 200; b++)
        {
            w.Add(b, 1, pool);
            if (w.Capacity != capacities[^1]) capacities.Add(w.Capacity);
        }
        Assert.Equal([4, 8, 16, 64], capacities);
        Assert.Equal(30, w.Count);
        Assert.Equal(1, pool.Slabs);
    }

    [Fact]
    public void Thousands_of_full_windows_share_a_few_slabs()
    {
        // 100,000 hosts in the soak each hold one 64-entry chunk; here 5,000 fill 5 slabs of 65,536 entries.
        var pool = new WindowChunkPool(60);
        var windows = new SlidingWindow[5000];
        for (int i = 0; i < windows.Length; i++)
        {
            windows[i] = new SlidingWindow(30, 30);
            for (long b = 0; b < 60; b++) windows[i].Add(b, i, pool);
        }
        Assert.Equal(5, pool.Slabs);
        for (int i = 0; i < windows.Length; i++) Assert.Equal(30L * i, windows[i].Sum); // no two windows share a chunk
    }

    [Fact]
    public void Chunks_a_window_grew_out_of_are_given_to_the_next_window()
    {
        // A kept range over MaxDirectCapacity: windows double through the pool's chunk sizes.
        var pool = new WindowChunkPool(30 + 600);
        var first = new SlidingWindow(30, 600);
        for (long b = 0; b < 600; b++) first.Add(b, 1, pool);
        Assert.Equal(1024, first.Capacity);
        Assert.Equal(5, pool.FreeChunks); // 32, 64, 128, 256 and 512
        var second = new SlidingWindow(30, 600);
        for (long b = 0; b < 100; b++) second.Add(b, 2, pool);
        Assert.Equal(128, second.Capacity);
        Assert.Equal(4, pool.FreeChunks); // second took the 32, 64 and 128 and gave back the 32 and 64 it grew out of
        Assert.Equal(30, first.Count);
        Assert.Equal(60, second.Sum);
    }
}
