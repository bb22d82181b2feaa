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
    // window, not three (with 100,000 hosts the windows do not stay in cache).
    private Entry[] _entries;
    private int _head, _len;

    private struct Entry
    {
        public long Bucket;
        public long Sum;
        public long Count;
    }
    private int _windowStart;        // logical index of the first entry inside the window ending at Newest

    public SlidingWindow(int spanBuckets, int lateBuckets)
    {
        _span = spanBuckets;
        _keep = spanBuckets + lateBuckets;
        _entries = new Entry[4];
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

    private readonly int Phys(int i) => (_head + i) & (_entries.Length - 1);

    private readonly long BucketAt(int i) => _entries[Phys(i)].Bucket;

    /// <summary>Starts loading the newest entry (the one <see cref="Add"/> reads first) into the cache.</summary>
    public readonly void Prefetch()
    {
        if (_len > 0) CachePrefetch.Line(ref _entries[Phys(_len - 1)]);
    }

    /// <summary>
    /// Adds an event. Returns false when the bucket is older than the kept range (too late).
    /// </summary>
    public bool Add(long bucket, long value)
    {
        if (_len == 0 || bucket > Newest)
        {
            Append(bucket, value);
            return true;
        }
        if (bucket <= Newest - _keep) return false;
        // Late (or same-bucket) event: find its place among the sorted entries.
        int i = _len - 1;
        while (i >= 0 && BucketAt(i) > bucket) i--;
        if (i >= 0 && BucketAt(i) == bucket)
        {
            ref Entry e = ref _entries[Phys(i)];
            e.Sum += value;
            e.Count++;
        }
        else
        {
            InsertAt(i + 1, bucket, value);
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
            ref Entry r = ref _entries[Phys(right)];
            long end = r.Bucket;
            s += r.Sum;
            c += r.Count;
            while (BucketAt(left) <= end - _span)
            {
                ref Entry l = ref _entries[Phys(left++)];
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

    private void Append(long bucket, long value)
    {
        Newest = bucket;
        // Entries that left the window leave the totals; then entries older than the kept range
        // (always already out of the window, as keep >= span) are dropped.
        while (_windowStart < _len && BucketAt(_windowStart) <= bucket - _span)
        {
            ref Entry e = ref _entries[Phys(_windowStart++)];
            Sum -= e.Sum;
            Count -= e.Count;
        }
        while (_len > 0 && BucketAt(0) <= bucket - _keep)
        {
            _head = Phys(1);
            _len--;
            _windowStart--;
        }
        InsertAt(_len, bucket, value);
        Sum += value;
        Count++;
    }

    private void InsertAt(int index, long bucket, long value)
    {
        if (_len == _entries.Length) Grow();
        for (int j = _len; j > index; j--) _entries[Phys(j)] = _entries[Phys(j - 1)];
        _entries[Phys(index)] = new Entry { Bucket = bucket, Sum = value, Count = 1 };
        _len++;
    }

    private void Grow()
    {
        var grown = new Entry[_entries.Length * 2];
        for (int i = 0; i < _len; i++) grown[i] = _entries[Phys(i)];
        _entries = grown;
        _head = 0;
    }
}
