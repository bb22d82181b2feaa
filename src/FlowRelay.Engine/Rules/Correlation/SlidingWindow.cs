namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>
/// The per-group sliding window: a sorted ring of (bucket, sum, count) for the buckets that saw
/// events. Bucket width is max(1 s, timespan / 30), so the window is exact to one bucket (ten
/// seconds for a 5-minute span) while a group never holds more than
/// timespan/width + lateness/width buckets — memory bounded whatever the traffic. Only buckets
/// with events are stored, so a quiet host costs a few entries, not 30.
/// The window at bucket <c>e</c> covers buckets (e − N, e], N = timespan / width.
/// A struct so that it lives inside its <see cref="CorrelationGroup"/>; always use it by
/// <c>ref</c> (a copy would update the copy).
/// </summary>
internal struct SlidingWindow
{
    private readonly int _span;      // N: buckets in the window
    private readonly int _keep;      // N + lateness buckets: how far back entries are kept
    // One array of entries rather than one per column: an event touches one cache line of the
    // window, not three (with 100,000 hosts the windows do not stay in cache). The entries are a
    // ring of _mask + 1 slots starting at _base in _entries: a small array of the window's own, or
    // a chunk of a slab from the correlation's WindowChunkPool once the window outgrows it.
    private WindowEntry[] _entries;
    private int _base, _mask;
    private int _head, _len;
    private int _windowStart;        // logical index of the first entry inside the window ending at Newest

    public SlidingWindow(int spanBuckets, int lateBuckets)
    {
        _span = spanBuckets;
        _keep = spanBuckets + lateBuckets;
        _entries = new WindowEntry[4];
        _base = 0;
        _mask = 3;
        Newest = long.MinValue;
    }

    /// <summary>Newest bucket seen (long.MinValue when empty).</summary>
    public long Newest { readonly get; private set; }

    /// <summary>Sum of values in the window ending at <see cref="Newest"/>.</summary>
    public long Sum { readonly get; private set; }

    /// <summary>Number of events in the window ending at <see cref="Newest"/>.</summary>
    public long Count { readonly get; private set; }

    /// <summary>Entries held (for memory accounting and tests).</summary>
    public readonly int Entries => _len;

    /// <summary>Oldest bucket inside the current window, or Newest when empty.</summary>
    public readonly long WindowFirstBucket => _windowStart < _len ? BucketAt(_windowStart) : Newest;

    /// <summary>Slots the entries have now.</summary>
    public readonly int Capacity => _mask + 1;

    private readonly int Phys(int i) => _base + ((_head + i) & _mask);

    private readonly long BucketAt(int i) => _entries[Phys(i)].Bucket;

    /// <summary>Starts loading the newest entry (the one <see cref="Add"/> reads first) into the cache.</summary>
    public readonly void Prefetch()
    {
        if (_len > 0) CachePrefetch.Line(ref _entries[Phys(_len - 1)]);
    }

    /// <summary>
    /// Adds an event. Returns false when the bucket is older than the kept range (too late).
    /// </summary>
    /// <param name="bucket">The event's bucket (event time / bucket width).</param>
    /// <param name="value">What the event adds to the sum.</param>
    /// <param name="pool">Where the entries grow to when they outgrow their slots.</param>
    public bool Add(long bucket, long value, WindowChunkPool pool)
    {
        if (_len == 0 || bucket > Newest)
        {
            Append(bucket, value, pool);
            return true;
        }
        if (bucket <= Newest - _keep) return false;
        // Late (or same-bucket) event: find its place among the sorted entries.
        int i = _len - 1;
        while (i >= 0 && BucketAt(i) > bucket) i--;
        if (i >= 0 && BucketAt(i) == bucket)
        {
            ref WindowEntry e = ref _entries[Phys(i)];
            e.Sum += value;
            e.Count++;
        }
        else
        {
            InsertAt(i + 1, bucket, value, pool);
            if (bucket <= Newest - _span) _windowStart++;
        }
        if (bucket > Newest - _span)
        {
            Sum += value;
            Count++;
        }
        return true;
    }

    /// <summary>
    /// The largest sum (or count) over any window that contains <paramref name="bucket"/> and ends
    /// no later than <see cref="Newest"/> — how a late event is judged: it may complete a window
    /// that has already slid past. Linear in the entries held.
    /// </summary>
    public readonly (long Sum, long Count) MaxContaining(long bucket, bool byCount)
    {
        long best = long.MinValue, bestSum = 0, bestCount = 0, s = 0, c = 0;
        int left = 0;
        for (int right = 0; right < _len; right++)
        {
            ref WindowEntry r = ref _entries[Phys(right)];
            long end = r.Bucket;
            s += r.Sum;
            c += r.Count;
            while (BucketAt(left) <= end - _span)
            {
                ref WindowEntry l = ref _entries[Phys(left++)];
                s -= l.Sum;
                c -= l.Count;
            }
            if (end < bucket || end - _span >= bucket) continue;
            long metric = byCount ? c : s;
            if (metric > best)
            {
                best = metric;
                bestSum = s;
                bestCount = c;
            }
        }
        return (bestSum, bestCount);
    }

    /// <summary>Forgets everything (after an alert consumed the window).</summary>
    public void Clear()
    {
        _head = _len = _windowStart = 0;
        Sum = Count = 0;
        Newest = long.MinValue;
    }

    private void Append(long bucket, long value, WindowChunkPool pool)
    {
        Newest = bucket;
        // Entries that left the window leave the totals; then entries older than the kept range
        // (always already out of the window, as keep >= span) are dropped.
        while (_windowStart < _len && BucketAt(_windowStart) <= bucket - _span)
        {
            ref WindowEntry e = ref _entries[Phys(_windowStart++)];
            Sum -= e.Sum;
            Count -= e.Count;
        }
        while (_len > 0 && BucketAt(0) <= bucket - _keep)
        {
            _head = Phys(1);
            _len--;
            _windowStart--;
        }
        InsertAt(_len, bucket, value, pool);
        Sum += value;
        Count++;
    }

    private void InsertAt(int index, long bucket, long value, WindowChunkPool pool)
    {
        if (_len == Capacity) Grow(pool);
        for (int j = _len; j > index; j--) _entries[Phys(j)] = _entries[Phys(j - 1)];
        _entries[Phys(index)] = new WindowEntry { Bucket = bucket, Sum = value, Count = 1 };
        _len++;
    }

    private void Grow(WindowChunkPool pool)
    {
        int capacity = pool.NextCapacity(Capacity);
        var (array, offset) = pool.Rent(capacity);
        for (int i = 0; i < _len; i++) array[offset + i] = _entries[Phys(i)];
        pool.Return(_entries, _base, Capacity);
        _entries = array;
        _base = offset;
        _mask = capacity - 1;
        _head = 0;
    }
}
