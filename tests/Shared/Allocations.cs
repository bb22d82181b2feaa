namespace FlowRelay.Testing;

/// <summary>
/// Measures what code allocates on the calling thread, for "allocates nothing per record" tests.
/// One file, compiled into FlowRelay.Tests and FlowRelay.Engine.Tests (linked from tests/Shared).
/// </summary>
internal static class Allocations
{
    /// <summary>
    /// Bytes <paramref name="work"/> allocates, the least over up to <paramref name="rounds"/> runs after
    /// one warm-up run. A per-record allocation shows in every round; what the runtime allocates once on
    /// this thread while it tiers methods up (seen on a loaded machine, when tier-1 code arrives in the
    /// middle of a measured loop) does not.
    /// </summary>
    public static long Least(Action work, int rounds = 5)
    {
        work();
        long least = long.MaxValue;
        for (int round = 0; round < rounds && least != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            work();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
