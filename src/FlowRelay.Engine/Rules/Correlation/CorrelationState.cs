using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules.Fields;

namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>
/// The streaming state of one correlation rule: a sliding window per group key, in event time.
/// When the condition holds after an event, the group's window is consumed (cleared) and one
/// alert is raised, so a sustained 60 MB upload against a 20 MB threshold raises three alerts,
/// each for a fresh 20 MB — which is what the repeat trigger counts.
/// </summary>
internal sealed class CorrelationState
{
    private readonly RuleEngineOptions _options;
    private readonly long _bucketNs;
    private readonly int _spanBuckets;
    private readonly int _lateBuckets;
    private readonly long _latenessNs;
    private readonly GroupTable _groups = new();
    private WindowChunkPool _chunks; // the adopted windows' chunks come with their pool (AdoptFrom)
    // Far in the past but clear of overflow when the lateness is subtracted.
    private long _maxTimeNs = long.MinValue / 4;

    public CorrelationState(CorrelationPlan plan, RuleEngineOptions options, int hostIndex)
    {
        Plan = plan;
        _options = options;
        long spanNs = plan.Rule.Timespan.Ticks * 100;
        // Bucket width max(1 s, timespan/30): 10 s for 5-minute spans, at most 30 buckets a window.
        // A busy host has an event in every bucket, so the width decides its memory: with 1-second
        // buckets (timespan/300) 100,000 uploading hosts held 600 entries each (window plus
        // lateness) and the relay grew past 700 MB in two minutes of the soak.
        _bucketNs = Math.Max(1_000_000_000L, spanNs / BucketsPerWindow);
        _spanBuckets = (int)Math.Max(1, spanNs / _bucketNs);
        _latenessNs = options.Lateness.Ticks * 100;
        _lateBuckets = (int)((_latenessNs + _bucketNs - 1) / _bucketNs);
        _chunks = new WindowChunkPool(_spanBuckets + _lateBuckets);
        HostIndex = hostIndex;
    }

    public CorrelationPlan Plan { get; }

    /// <summary>Index of the group-by field that names the host (-1: none).</summary>
    public int HostIndex { get; }

    public int Groups => _groups.Count;
    public long LateDropped { get; private set; }
    public long Evicted { get; private set; }
    public long Expired { get; private set; }
    public long Suppressed { get; private set; }
    public long Fired { get; private set; }

    /// <summary>Buckets a window is divided into (for spans of 30 s and more; shorter spans use 1-second buckets).</summary>
    public const int BucketsPerWindow = 30;

    /// <summary>Window bucket width (documented choice: max(1 s, timespan/30)).</summary>
    public TimeSpan BucketWidth => TimeSpan.FromTicks(_bucketNs / 100);

    /// <summary>
    /// Takes over the windows of the same correlation from the rule set being replaced, when the
    /// rule still counts the same thing the same way (type, rules, group-by, timespan, field):
    /// editing a list or another rule then does not reset a 24-hour count. Returns false when the
    /// definitions differ (the windows start afresh).
    /// </summary>
    public bool AdoptFrom(CorrelationState old)
    {
        var (a, b) = (Plan.Rule, old.Plan.Rule);
        if (a.Info.Id != b.Info.Id || a.Type != b.Type || a.Timespan != b.Timespan || a.ValueField != b.ValueField ||
            !a.GroupBy.SequenceEqual(b.GroupBy) || !a.Rules.SequenceEqual(b.Rules) || _bucketNs != old._bucketNs || _lateBuckets != old._lateBuckets)
            return false;
        // Oldest first, so the recency order carries over.
        for (var g = old._oldest; g is not null; g = g.Newer)
        {
            _groups.Add(g, g.Hash);
        }
        (_newest, _oldest) = (old._newest, old._oldest);
        _chunks = old._chunks;
        _maxTimeNs = old._maxTimeNs;
        _relinks = old._relinks;
        LateDropped = old.LateDropped;
        Evicted = old.Evicted;
        Expired = old.Expired;
        Suppressed = old.Suppressed;
        Fired = old.Fired;
        return true;
    }

    /// <summary>The group key <paramref name="e"/> counts under (its hash: <see cref="GroupTable.HashOf"/>).</summary>
    public static GroupKey KeyOf<T>(in T e, EventInput<T> input) where T : struct, IRuleEvent<T>
    {
        var key = new GroupKey();
        for (int i = 0; i < input.Keys.Length; i++) key[i] = KeyPart.Read(input.Keys[i], in e);
        return key;
    }

    /// <summary>
    /// Counts one event of a detection rule this correlation reads, under <paramref name="key"/>
    /// (<see cref="KeyOf"/>) and its <paramref name="hash"/> (<see cref="GroupTable.HashOf"/>),
    /// computed ahead by the engine; returns an alert when it trips.
    /// </summary>
    public Alert? ObserveEvent<T>(in T e, EventInput<T> input, long timeNs, in GroupKey key, int hash) where T : struct, IRuleEvent<T>
    {
        var group = _groups.Find(in key, hash);
        if (group is null)
        {
            if (timeNs < _maxTimeNs - _latenessNs)
            {
                LateDropped++;
                return null;
            }
            var text = new string[input.Keys.Length];
            for (int i = 0; i < text.Length; i++) text[i] = input.Keys[i].ToDisplayString(in e) ?? "";
            group = Create(key, hash, text);
        }
        long value = 0;
        KeyPart distinct = default;
        if (input.Value is { } vf)
        {
            if (Plan.Rule.Type == CorrelationType.ValueCount) distinct = KeyPart.Read(vf, in e);
            else if (!vf.Number!(in e, out value)) return null; // no value, nothing to add
        }
        return Update(group, key, timeNs, value, distinct, in e, true, input.Position);
    }

    // Three steps that bring an event's group into cache ahead of ObserveEvent, each a few events
    // before the next needs its result (RuleEngine.Evaluate): the table slot, then the group object
    // the slot names, then the window entry the group's window will update.

    /// <summary>Prefetch step 1: the table slot of <paramref name="hash"/>.</summary>
    public void PrefetchSlot(int hash) => _groups.Prefetch(hash);

    /// <summary>Prefetch step 2: the group in that slot (when the slot is the key's own).</summary>
    public void PrefetchGroup(int hash)
    {
        if (_groups.Peek(hash) is { } g) CachePrefetch.Object(g);
    }

    /// <summary>Prefetch step 3: the newest entry of that group's window.</summary>
    public void PrefetchWindow(int hash)
    {
        if (_groups.Peek(hash) is { } g) g.Window.Prefetch();
    }

    /// <summary>Counts an alert of a correlation this one chains on.</summary>
    public Alert? ObserveAlert(Alert source, AlertInput input)
    {
        var key = new GroupKey();
        var text = new string[input.KeyMap.Length];
        for (int i = 0; i < input.KeyMap.Length; i++)
        {
            key[i] = source.Key[input.KeyMap[i]];
            text[i] = source.KeyText[input.KeyMap[i]];
        }
        int hash = GroupTable.HashOf(in key);
        var group = _groups.Find(in key, hash);
        if (group is null)
        {
            if (source.TimeNs < _maxTimeNs - _latenessNs)
            {
                LateDropped++;
                return null;
            }
            group = Create(key, hash, text);
        }
        FlowEvent none = default;
        return Update(group, key, source.TimeNs, 0, default, in none, false, input.Position);
    }

    private Alert? Update<T>(CorrelationGroup group, GroupKey key, long timeNs, long value, KeyPart distinct, in T e, bool fromEvent, int position) where T : struct, IRuleEvent<T>
    {
        if (timeNs < _maxTimeNs - _latenessNs)
        {
            LateDropped++;
            return null;
        }
        if (timeNs > _maxTimeNs) _maxTimeNs = timeNs;
        group.LastSeenNs = Math.Max(group.LastSeenNs, timeNs);
        Touch(group);
        if (Plan.Rule.Type is CorrelationType.Temporal or CorrelationType.TemporalOrdered) return Temporal(group, key, position, timeNs, in e, fromEvent);
        long bucket = timeNs / _bucketNs;
        ref var w = ref group.Window;
        bool late = w.Newest != long.MinValue && bucket < w.Newest;
        if (!w.Add(bucket, value, _chunks))
        {
            LateDropped++;
            return null;
        }
        double metric;
        long count;
        switch (Plan.Rule.Type)
        {
            case CorrelationType.EventCount:
                count = late ? w.MaxContaining(bucket, byCount: true).Count : w.Count;
                metric = count;
                break;
            case CorrelationType.ValueSum:
                var (s, c) = late ? w.MaxContaining(bucket, byCount: false) : (w.Sum, w.Count);
                metric = s;
                count = c;
                break;
            case CorrelationType.ValueAvg:
                count = w.Count;
                metric = count == 0 ? 0 : (double)w.Sum / count;
                break;
            default:
                count = w.Count;
                metric = DistinctCount(group, distinct, bucket, w.Newest);
                break;
        }
        if (!Plan.Rule.Condition.Test(metric)) return null;

        long windowStart = w.WindowFirstBucket * _bucketNs;
        w.Clear();
        group.Distinct?.Clear();
        return Fire(group, key, timeNs, metric, count, windowStart, in e, fromEvent);
    }

    /// <summary>
    /// temporal: the referenced rules seen within the timespan of the newest, in any order.
    /// temporal_ordered: the longest prefix r0 → r1 → … of the listed rules that occurred in that
    /// order within the timespan; for each step the chain's start is kept, so a later r0 does not
    /// break a chain already under way.
    /// </summary>
    private Alert? Temporal<T>(CorrelationGroup group, GroupKey key, int position, long timeNs, in T e, bool fromEvent) where T : struct, IRuleEvent<T>
    {
        int n = Plan.Rule.Rules.Count;
        long spanNs = Plan.Rule.Timespan.Ticks * 100;
        var seen = group.Seen ??= Enumerable.Repeat(long.MinValue, n).ToArray();
        long windowStart = timeNs;
        int metric = 0;
        if (Plan.Rule.Type == CorrelationType.Temporal)
        {
            seen[position] = Math.Max(seen[position], timeNs);
            long newest = seen.Max();
            foreach (long t in seen)
            {
                if (t != long.MinValue && t >= newest - spanNs)
                {
                    metric++;
                    windowStart = Math.Min(windowStart, t);
                }
            }
        }
        else
        {
            var start = group.ChainStart ??= Enumerable.Repeat(long.MinValue, n).ToArray();
            if (position == 0)
            {
                start[0] = seen[0] = timeNs;
            }
            else if (start[position - 1] != long.MinValue && seen[position - 1] <= timeNs && timeNs - start[position - 1] <= spanNs)
            {
                start[position] = start[position - 1];
                seen[position] = timeNs;
            }
            for (int i = n - 1; i >= 0; i--)
            {
                if (start[i] != long.MinValue && timeNs - start[i] <= spanNs)
                {
                    metric = i + 1;
                    windowStart = start[i];
                    break;
                }
            }
        }
        if (!Plan.Rule.Condition.Test(metric)) return null;
        Array.Fill(seen, long.MinValue);
        if (group.ChainStart is { } cs) Array.Fill(cs, long.MinValue);
        return Fire(group, key, timeNs, metric, metric, windowStart, in e, fromEvent);
    }

    private Alert? Fire<T>(CorrelationGroup group, GroupKey key, long timeNs, double metric, long count, long windowStart, in T e, bool fromEvent) where T : struct, IRuleEvent<T>
    {
        var rule = Plan.Rule.Info;
        if (rule.Suppress > TimeSpan.Zero && group.LastAlertNs != long.MinValue && timeNs - group.LastAlertNs < rule.Suppress.Ticks * 100)
        {
            Suppressed++;
            return null;
        }
        group.LastAlertNs = timeNs;
        Fired++;
        var fields = new List<KeyValuePair<string, string>>(Plan.Rule.GroupBy.Count);
        for (int i = 0; i < Plan.Rule.GroupBy.Count; i++) fields.Add(new(Plan.Rule.GroupBy[i], group.KeyText[i]));
        return new Alert
        {
            Rule = rule,
            TimeNs = timeNs,
            Fields = fields,
            Kind = Plan.Rule.Type switch
            {
                CorrelationType.EventCount => "event_count",
                CorrelationType.ValueSum => "value_sum",
                CorrelationType.ValueAvg => "value_avg",
                CorrelationType.Temporal => "temporal",
                CorrelationType.TemporalOrdered => "temporal_ordered",
                _ => "value_count",
            },
            Value = metric,
            Condition = Plan.Rule.Condition.ToString(),
            Threshold = Plan.Rule.Condition.Threshold,
            Timespan = Plan.Rule.Timespan,
            EventCount = count,
            WindowStartNs = windowStart,
            Host = HostIndex >= 0 ? group.KeyText[HostIndex] : null,
            Sample = fromEvent && T.Sample(in e) is { } sample ? [sample] : [],
            SampleKind = T.SampleKind,
            Key = key,
            KeyText = group.KeyText,
        };
    }

    private int DistinctCount(CorrelationGroup group, KeyPart value, long bucket, long newest)
    {
        var d = group.Distinct ??= new Dictionary<KeyPart, long>();
        if (value.Kind != 0)
        {
            if (d.TryGetValue(value, out long seen)) d[value] = Math.Max(seen, bucket);
            else if (d.Count < _options.MaxDistinctValues) d[value] = bucket;
        }
        int n = 0;
        foreach (var (k, b) in d)
        {
            if (b > newest - _spanBuckets) n++;
            else if (b <= newest - _spanBuckets - _lateBuckets) d.Remove(k); // allowed while enumerating (.NET Core 3.0+), and allocates nothing
        }
        return n;
    }

    private CorrelationGroup Create(GroupKey key, int hash, string[] text)
    {
        CorrelationGroup? reused = null;
        while (_groups.Count >= _options.MaxGroups && _oldest is not null) reused = RemoveOldest();
        var g = reused ?? new CorrelationGroup(key, text, new SlidingWindow(_spanBuckets, _lateBuckets));
        if (reused is not null) reused.Reuse(key, text);
        g.Hash = hash;
        _groups.Add(g, hash);
        Link(g);
        return g;
    }

    // The groups form a list in the order they were last updated (newest first), so making room is
    // O(1): the least recently updated group goes. It counts as expired when its window and the
    // lateness have passed (nothing was lost), as evicted otherwise (its partial counts are lost).
    private CorrelationGroup? _newest, _oldest;

    private CorrelationGroup RemoveOldest()
    {
        var g = _oldest!;
        long horizon = _maxTimeNs - Plan.Rule.Timespan.Ticks * 100 - _latenessNs;
        if (g.LastSeenNs < horizon) Expired++;
        else Evicted++;
        Unlink(g);
        _groups.Remove(g, g.Hash);
        return g;
    }

    // Recency: a group moves to the newest end of the list only when it has drifted into the
    // oldest eighth. Relinking touches the group's two neighbours, random objects out of cache with
    // 100,000 hosts, and cost more than the window update itself when done on every event. A group
    // whose stamp is less than 7/8 of the groups' count of relinks old has fewer groups than that
    // ahead of it, so it is not in the oldest eighth and is not at risk; one that is gets relinked.
    // The group evicted is therefore one not updated since it last sat in the oldest eighth: least
    // recently updated to within an eighth of the groups (exact below 64 groups). With every host
    // busy, a group relinks about once in seven updates.
    private long _relinks;

    private void Touch(CorrelationGroup g)
    {
        if (ReferenceEquals(g, _newest)) return;
        int n = _groups.Count;
        if (n >= 64 && _relinks - g.Stamp < n - n / 8) return;
        Unlink(g);
        Link(g);
    }

    private void Link(CorrelationGroup g)
    {
        g.Stamp = ++_relinks;
        g.Older = _newest;
        g.Newer = null;
        if (_newest is not null) _newest.Newer = g;
        _newest = g;
        _oldest ??= g;
    }

    private void Unlink(CorrelationGroup g)
    {
        if (g.Newer is not null) g.Newer.Older = g.Older;
        else if (ReferenceEquals(_newest, g)) _newest = g.Older;
        if (g.Older is not null) g.Older.Newer = g.Newer;
        else if (ReferenceEquals(_oldest, g)) _oldest = g.Newer;
        g.Newer = g.Older = null;
    }
}
