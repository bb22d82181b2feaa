namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Joins dnsmasq's per-fact lines (query, forwarded, reply/cached/config…) into one
/// <see cref="DnsQueryRecord"/> per query, with its answers and RCODE.
/// <para>
/// With <c>log-queries=extra</c> lines are keyed by their serial. In plain mode the key is the
/// query name, and a reply joins the oldest open query for that name (plain logs cannot tell two
/// concurrent identical queries apart; answers under a CNAME target's name are lost there).
/// </para>
/// <para>
/// dnsmasq writes all answer lines of one reply in a row, so a query that has an answer is
/// complete as soon as a line for another query arrives. Queries still open after
/// <see cref="MaxAgeNs"/>, or pushed out because <see cref="MaxPending"/> are open, are evicted:
/// emitted without an answer when they never got one (<see cref="Evicted"/> counts those).
/// Memory is bounded by <see cref="MaxPending"/>. Not thread-safe: one per input.
/// </para>
/// </summary>
public sealed class DnsmasqQueryJoiner
{
    private readonly Dictionary<Key, Pending> _open = new();
    // Open queries in arrival order; entries already completed are skipped when dequeued.
    private readonly Queue<Pending> _byAge = new();
    private Pending? _answering;

    /// <summary>Creates a joiner holding at most <paramref name="maxPending"/> open queries for at most <paramref name="maxAgeNs"/>.</summary>
    public DnsmasqQueryJoiner(int maxPending = 10_000, long maxAgeNs = 10L * 1_000_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPending, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAgeNs, 1);
        MaxPending = maxPending;
        MaxAgeNs = maxAgeNs;
    }

    /// <summary>Most queries held open at once.</summary>
    public int MaxPending { get; }

    /// <summary>How long a query waits for its reply (dnsmasq's own forward timeout is a few seconds).</summary>
    public long MaxAgeNs { get; }

    /// <summary>Queries now open.</summary>
    public int Open => _open.Count;

    /// <summary>Records emitted with an answer or RCODE.</summary>
    public long Completed { get; private set; }

    /// <summary>Queries emitted without any answer line (timed out or pushed out by the bound).</summary>
    public long Evicted { get; private set; }

    /// <summary>Answer/forward lines with no open query to join (their query line was lost or evicted).</summary>
    public long Orphans { get; private set; }

    /// <summary>
    /// Adds one parsed line seen at <paramref name="nowNs"/> (arrival or line time); completed and
    /// evicted records are appended to <paramref name="output"/>.
    /// </summary>
    public void Add(scoped in DnsmasqLogLine line, long nowNs, ICollection<DnsQueryRecord> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Expire(nowNs, output);
        if (line.Kind is DnsmasqLineKind.Other or DnsmasqLineKind.Dnssec) return;
        var key = line.Serial >= 0 ? new Key(line.Serial, null) : new Key(-1, DnsText.NormaliseName(line.Name));

        // The answer lines of one reply come in a row: a query line, or a line about another
        // query, ends the burst of the one being answered.
        if (_answering != null && (line.Kind == DnsmasqLineKind.Query || !_answering.Key.Equals(key))) Finish(_answering, output);

        if (line.Kind == DnsmasqLineKind.Query)
        {
            if (_open.TryGetValue(key, out var old))
            {
                // Plain mode: a second query for a name still open. The first keeps its place;
                // the new one queues behind it under a fresh sequence.
                if (key.Serial >= 0) Finish(old, output);
            }
            if (_open.Count >= MaxPending) EvictOldest(output);
            var r = DnsQueryRecord.Empty();
            r.Format = DnsLogFormat.Dnsmasq;
            r.Serial = line.Serial;
            r.ClientIp = line.ClientIp;
            r.ClientPort = line.ClientPort;
            r.TimestampUnixNs = line.TimestampUnixNs;
            r.QueryName = key.Name ?? DnsText.NormaliseName(line.Name);
            r.QueryTypeName = DnsNames.TypeNameOf(line.Type, out r.QueryType);
            r.QueryClass = 1; // dnsmasq only serves class IN
            r.QueryClassName = "IN";
            var p = new Pending(key, r, nowNs);
            if (!_open.TryAdd(key, p))
            {
                var head = _open[key];
                var tail = head;
                while (tail.Next != null) tail = tail.Next;
                tail.Next = p;
            }
            _byAge.Enqueue(p);
            return;
        }

        if (!_open.TryGetValue(key, out var pending))
        {
            Orphans++;
            return;
        }
        switch (line.Kind)
        {
            case DnsmasqLineKind.Forwarded:
                DnsText.TryParseEndpoint(line.Value, (byte)'#', out pending.Record.Upstream, out _);
                return;
            case DnsmasqLineKind.Cached:
                pending.Record.Flags |= DnsQueryFlags.Cached;
                break;
            case DnsmasqLineKind.Config:
            case DnsmasqLineKind.HostsFile:
                pending.Record.Flags |= DnsQueryFlags.LocalConfig;
                break;
        }
        DnsmasqLogParser.ApplyAnswer(line.Value, ref pending.Record);
        pending.Answered = true;
        _answering = pending;
    }

    /// <summary>Emits queries older than <see cref="MaxAgeNs"/> at <paramref name="nowNs"/>; call it periodically when lines stop.</summary>
    public void Expire(long nowNs, ICollection<DnsQueryRecord> output)
    {
        while (_byAge.TryPeek(out var p))
        {
            if (p.Done)
            {
                _byAge.Dequeue();
                continue;
            }
            if (nowNs - p.FirstSeenNs < MaxAgeNs) break;
            _byAge.Dequeue();
            Finish(p, output);
        }
    }

    /// <summary>Emits every open query (end of input).</summary>
    public void Flush(ICollection<DnsQueryRecord> output) => Expire(long.MaxValue, output);

    private void EvictOldest(ICollection<DnsQueryRecord> output)
    {
        while (_byAge.TryDequeue(out var p))
        {
            if (p.Done) continue;
            Finish(p, output);
            return;
        }
    }

    private void Finish(Pending p, ICollection<DnsQueryRecord> output)
    {
        if (p.Done) return;
        p.Done = true;
        if (ReferenceEquals(_answering, p)) _answering = null;
        if (_open.TryGetValue(p.Key, out var head))
        {
            if (ReferenceEquals(head, p))
            {
                if (p.Next != null) _open[p.Key] = p.Next;
                else _open.Remove(p.Key);
            }
            else
            {
                var prev = head;
                while (prev.Next != null && !ReferenceEquals(prev.Next, p)) prev = prev.Next;
                if (ReferenceEquals(prev.Next, p)) prev.Next = p.Next;
            }
        }
        if (p.Answered) Completed++;
        else Evicted++;
        output.Add(p.Record);
    }

    private readonly record struct Key(long Serial, string? Name);

    private sealed class Pending(Key key, DnsQueryRecord record, long firstSeenNs)
    {
        public readonly Key Key = key;
        public DnsQueryRecord Record = record;
        public readonly long FirstSeenNs = firstSeenNs;
        public bool Answered;
        public bool Done;
        // Plain mode: the next open query for the same name, answered after this one.
        public Pending? Next;
    }
}
