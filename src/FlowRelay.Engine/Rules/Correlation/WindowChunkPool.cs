using System.Numerics;

namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>One bucket of a <see cref="SlidingWindow"/>: its number, the sum of values and the count of events in it.</summary>
internal struct WindowEntry
{
    public long Bucket;
    public long Sum;
    public long Count;
}

/// <summary>
/// Where the windows of one correlation keep their entries once they outgrow
/// <see cref="SmallCapacity"/>: chunks cut from large slabs (each over the large-object threshold),
/// never moved by the garbage collector and never scanned by it (an entry holds no reference).
/// <para>
/// Why: with ordinary arrays every window that filled up allocated a new, larger array, and all
/// of them survived. 100,000 hosts that start together fill their windows together, so at one
/// moment about 150 MB of new arrays had to be copied from generation 0 to 2, and the pause that
/// caused outlasted the socket buffer (the 650,000 records/s soak, docs/performance.md). A
/// window that outgrows the small arrays now takes one chunk sized for the whole kept range
/// (window plus lateness) when that is at most <see cref="MaxDirectCapacity"/> entries, so it
/// moves once; windows with longer kept ranges double through the chunk sizes. A chunk given
/// back (a window that doubled) is kept on a free list of its size for the next window.
/// </para>
/// Not thread-safe: owned by its correlation, which the rule engine's lock guards.
/// </summary>
internal sealed class WindowChunkPool
{
    /// <summary>Windows of up to this many entries use ordinary arrays (quiet hosts, short kept ranges).</summary>
    public const int SmallCapacity = 16;

    /// <summary>The largest chunk taken at once for a window's whole kept range (64 entries cover the bundled rules' 60 buckets).</summary>
    public const int MaxDirectCapacity = 256;

    // 65,536 entries of 24 bytes: 1.5 MB a slab, on the large-object heap.
    private const int SlabEntries = 1 << 16;

    private readonly List<WindowEntry[]> _slabs = [];
    private WindowEntry[]? _current;
    private int _used;
    // Free chunks by log2 of their size.
    private readonly Stack<(WindowEntry[] Slab, int Offset)>?[] _free = new Stack<(WindowEntry[], int)>?[32];

    /// <param name="keptBuckets">The most entries a window holds: its span plus the lateness, in buckets.</param>
    public WindowChunkPool(int keptBuckets)
    {
        FullCapacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(keptBuckets, 1));
    }

    /// <summary>A chunk that holds a window's whole kept range.</summary>
    public int FullCapacity { get; }

    /// <summary>Slabs allocated (for tests).</summary>
    public int Slabs => _slabs.Count;

    /// <summary>Chunks waiting on the free lists (for tests).</summary>
    public int FreeChunks => _free.Sum(s => s?.Count ?? 0);

    /// <summary>The capacity a window of <paramref name="capacity"/> entries grows to.</summary>
    public int NextCapacity(int capacity)
    {
        if (capacity * 2 <= SmallCapacity) return capacity * 2;
        if (capacity < FullCapacity && FullCapacity <= MaxDirectCapacity) return FullCapacity;
        return capacity * 2;
    }

    /// <summary>A chunk of <paramref name="capacity"/> entries (a power of two).</summary>
    public (WindowEntry[] Array, int Offset) Rent(int capacity)
    {
        if (capacity <= SmallCapacity) return (new WindowEntry[capacity], 0);
        int log = BitOperations.Log2((uint)capacity);
        if (_free[log] is { Count: > 0 } free) return free.Pop();
        if (capacity > SlabEntries) return (GC.AllocateUninitializedArray<WindowEntry>(capacity), 0); // larger than a slab: its own array
        if (_current is null || _used + capacity > SlabEntries)
        {
            // The tail of the old slab too small for this chunk goes unused; chunk sizes are powers
            // of two and slabs a multiple of every one, so only a mix of sizes leaves such a tail.
            _current = GC.AllocateUninitializedArray<WindowEntry>(SlabEntries);
            _slabs.Add(_current);
            _used = 0;
        }
        int offset = _used;
        _used += capacity;
        return (_current, offset);
    }

    /// <summary>Takes back a chunk a window grew out of (small arrays are left to the collector).</summary>
    public void Return(WindowEntry[] array, int offset, int capacity)
    {
        if (capacity <= SmallCapacity) return;
        int log = BitOperations.Log2((uint)capacity);
        (_free[log] ??= new Stack<(WindowEntry[], int)>()).Push((array, offset));
    }
}
