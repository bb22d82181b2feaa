namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>
/// The per-group sliding window: a sorted ring of (bucket, sum, count) for the buckets that saw
/// events. Bucket width is max(1 s, timespan / 300), so the window is exact to one bucket (one
/// second for spans up to 5 minutes) while a group never holds more than
/// timespan/width + lateness/width buckets — memory bounded whatever the traffic. Only buckets
/// with events are stored, so a quiet host costs a few entries, not 300.
/// The window at bucket <c>e</c> covers buckets (e − N, e], N = timespan / width.
/// </summary>
internal sealed class SlidingWindow
{
    private readonly int _span;      // N: buckets in the window
    private readonly int _keep;      // N + lateness buckets: how far back entries are kept
    private long[] _bucket = new long[4];
    private long[] _sum = new long[4];
    private long[] _count = new long[4];
    private int _head, _len;
    private int _windowStart;        // logical index of the first entry inside the window ending at Newest

    public SlidingWindow(int spanBuckets, int lateBuckets)
    {
        _span = spanBuckets;
        _keep = spanBuckets + lateBuckets;
    }

    /// <summary>Newest bucket seen (long.MinValue when empty).</summary>
    public long Newest { get; private set; } = long.MinValue;

    /// <summary>Sum of values in the window ending at <see cref="Newest"/>.</summary>
    public long Sum { get; private set; }

    /// <summary>Number of events in the window ending at <see cref="Newest"/>.</summary>
    public long Count { get; private set; }

    /// <summary>Entries held (for memory accounting and tests).</summary>
    public int Entries => _len;

    /// <summary>Oldest bucket inside the current window, or Newest when empty.</summary>
    public long WindowFirstBucket => _windowStart < _len ? BucketAt(_windowStart) : Newest;

    private int Phys(int i) => (_head + i) & (_bucket.Length - 1);

    private long BucketAt(int i) => _bucket[Phys(i)];

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
            int p = Phys(i);
            _sum[p] += value;
            _count[p]++;
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
    public (long Sum, long Count) MaxContaining(long bucket, bool byCount)
    {
        long best = long.MinValue, bestSum = 0, bestCount = 0, s = 0, c = 0;
        int left = 0;
        for (int right = 0; right < _len; right++)
        {
            int p = Phys(right);
            long end = _bucket[p];
            s += _sum[p];
            c += _count[p];
            while (BucketAt(left) <= end - _span)
            {
                int q = Phys(left++);
                s -= _sum[q];
                c -= _count[q];
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
            int p = Phys(_windowStart++);
            Sum -= _sum[p];
            Count -= _count[p];
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
        if (_len == _bucket.Length) Grow();
        for (int j = _len; j > index; j--)
        {
            int to = Phys(j), from = Phys(j - 1);
            _bucket[to] = _bucket[from];
            _sum[to] = _sum[from];
            _count[to] = _count[from];
        }
        int p = Phys(index);
        _bucket[p] = bucket;
        _sum[p] = value;
        _count[p] = 1;
        _len++;
    }

    private void Grow()
    {
        int n = _bucket.Length * 2;
        var b = new long[n];
        var s = new long[n];
        var c = new long[n];
        for (int i = 0; i < _len; i++)
        {
            int p = Phys(i);
            b[i] = _bucket[p];
            s[i] = _sum[p];
            c[i] = _count[p];
        }
        _bucket = b;
        _sum = s;
        _count = c;
        _head = 0;
    }
}
