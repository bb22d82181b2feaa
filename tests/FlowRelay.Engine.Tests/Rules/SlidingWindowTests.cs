using CsCheck;
using FlowRelay.Engine.Rules.Correlation;

namespace FlowRelay.Engine.Tests.Rules;

public class SlidingWindowTests
{
    private const int Span = 10, Late = 5;

    [Fact]
    public void Matches_a_brute_force_model_for_any_order_of_events()
    {
        // Each step moves time by -6..+12 buckets from the newest: in-order, same-bucket, late and too-late events.
        Gen.Select(Gen.Int[-6, 12], Gen.Int[1, 1000]).Array[1, 200].Sample(steps =>
        {
            var w = new SlidingWindow(Span, Late);
            var kept = new List<(long Bucket, long Value)>();
            long newest = long.MinValue;
            foreach (var (delta, value) in steps)
            {
                long bucket = newest == long.MinValue ? 1000 : newest + delta;
                bool expectAccepted = newest == long.MinValue || bucket > newest - Span - Late;
                bool late = newest != long.MinValue && bucket < newest;
                Assert.Equal(expectAccepted, w.Add(bucket, value));
                if (!expectAccepted) continue;
                kept.Add((bucket, value));
                newest = Math.Max(newest, bucket);
                kept.RemoveAll(k => k.Bucket <= newest - Span - Late);

                Assert.Equal(newest, w.Newest);
                Assert.Equal(kept.Where(k => k.Bucket > newest - Span).Sum(k => k.Value), w.Sum);
                Assert.Equal(kept.Count(k => k.Bucket > newest - Span), w.Count);
                Assert.True(w.Entries <= Span + Late);
                if (late)
                {
                    // Best window containing the late bucket, ending at an event bucket no later than newest.
                    long best = kept.Where(k => k.Bucket >= bucket && k.Bucket < bucket + Span)
                        .Select(k => kept.Where(x => x.Bucket > k.Bucket - Span && x.Bucket <= k.Bucket).Sum(x => x.Value)).Max();
                    Assert.Equal(best, w.MaxContaining(bucket, byCount: false).Sum);
                }
            }
        });
    }

    [Fact]
    public void Clear_forgets_everything()
    {
        var w = new SlidingWindow(Span, Late);
        w.Add(5, 10);
        w.Add(6, 10);
        w.Clear();
        Assert.Equal(0, w.Sum);
        Assert.Equal(0, w.Entries);
        Assert.True(w.Add(1, 3)); // after a clear any time is accepted again
        Assert.Equal(3, w.Sum);
    }
}
