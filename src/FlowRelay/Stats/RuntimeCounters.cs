using FlowRelay.Engine.Counters;

namespace FlowRelay.Stats;

/// <summary>
/// The .NET runtime's own figures a soak or a loss needs next to the relay's counters (section
/// <c>runtime</c>): how long the garbage collector has held every thread, how often it ran, and the
/// heap. A kernel drop (<c>ingest</c>) in the same interval as a jump of <c>gc_pause_ms</c> points at
/// the collector; the UDP socket buffer lasts <c>net.core.rmem_max</c> / (datagrams/s × size).
/// </summary>
public sealed class RuntimeCounters : ICounterSource
{
    public string CounterSection => "runtime";

    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("gc_pause_ms", (long)GC.GetTotalPauseDuration().TotalMilliseconds),
        new("gc_gen0_collections", GC.CollectionCount(0)),
        new("gc_gen1_collections", GC.CollectionCount(1)),
        new("gc_gen2_collections", GC.CollectionCount(2)),
        new("gc_heap_size", GC.GetGCMemoryInfo().HeapSizeBytes),
        new("allocated_bytes", GC.GetTotalAllocatedBytes()),
    ];
}
