using FlowRelay.Engine.Counters;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// The DNS ↔ flow join: which name each address was resolved from, per client and (as a fallback)
/// by anyone. DNS events feed it with <see cref="Add"/>; the flow enricher asks it with
/// <see cref="TryResolve(IpAddr, IpAddr, long, out DnsAnswer, out bool)"/>. Both tables are bounded (<see cref="BoundedCache{TKey,TValue}"/>): a
/// flood of distinct answers evicts the oldest, counted in <see cref="Evictions"/>, and memory
/// never grows. Lookups allocate nothing. Not thread-safe: fed and read on the pipeline loop.
/// <para>
/// The tables keep a 64-bit fingerprint of their key (<see cref="FingerprintKey"/>), not the
/// addresses: a slot is 40 bytes instead of 80 (per client) or 56 (global), so the tables, far
/// larger than the cache, take half the memory a lookup misses in. Two keys are taken for one only
/// when all 64 bits agree, for two given keys about one chance in 2^64.
/// </para>
/// </summary>
public sealed class DnsAnswerCache : ICounterSource
{
    /// <summary>A flow may start this long before the answer's log time and still match (DNS log and exporter clocks differ).</summary>
    public static readonly long ClockSkewNs = 2_000_000_000;

    private readonly BoundedCache<FingerprintKey, DnsAnswer> _perClient;
    private readonly BoundedCache<FingerprintKey, DnsAnswer> _global;
    private readonly long _minTtlNs;
    private readonly long _maxTtlNs;

    /// <param name="maxAnswers">Most (client, address) answers kept; the global table keeps as many addresses.</param>
    /// <param name="minTtl">Answers count at least this long: clients keep using addresses past short TTLs.</param>
    /// <param name="maxTtl">Answers count at most this long, whatever their TTL.</param>
    public DnsAnswerCache(int maxAnswers, TimeSpan minTtl, TimeSpan maxTtl)
    {
        _perClient = new BoundedCache<FingerprintKey, DnsAnswer>(maxAnswers);
        _global = new BoundedCache<FingerprintKey, DnsAnswer>(maxAnswers);
        _minTtlNs = minTtl.Ticks * 100;
        _maxTtlNs = Math.Max(_minTtlNs, maxTtl.Ticks * 100);
    }

    /// <summary>Answers added so far.</summary>
    public long Added { get; private set; }

    /// <summary>True once any answer has been added: until then a miss says nothing about the flow.</summary>
    public bool IsFed => Added > 0;

    /// <summary>Entries held now (per-client + global).</summary>
    public int Count => _perClient.Count + _global.Count;

    /// <summary>Most entries held (per-client + global).</summary>
    public int Capacity => _perClient.Capacity + _global.Capacity;

    /// <summary>Live answers pushed out by newer ones.</summary>
    public long Evictions => _perClient.Evictions + _global.Evictions;

    /// <inheritdoc />
    public string CounterSection => "enrich.dns_join";

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("answers_added", Added), new("answers_stored", Count), new("answers_capacity", Capacity),
        new("answers_evicted", Evictions),
    ];

    /// <summary>
    /// Remembers that <paramref name="clientIp"/> resolved <paramref name="name"/> to
    /// <paramref name="answerIp"/> (an A/AAAA answer) at <paramref name="eventTimeNs"/> (Unix ns)
    /// with <paramref name="ttl"/> seconds; <paramref name="registeredDomain"/> when the Public
    /// Suffix List knows it. A later answer for the same address replaces the earlier.
    /// </summary>
    public void Add(IpAddr clientIp, IpAddr answerIp, string name, uint ttl, long eventTimeNs, string? registeredDomain = null)
    {
        if (!answerIp.IsSet || string.IsNullOrEmpty(name)) return;
        long ttlNs = Math.Clamp((long)ttl * 1_000_000_000, _minTtlNs, _maxTtlNs);
        var answer = new DnsAnswer(name.TrimEnd('.'), registeredDomain, eventTimeNs, eventTimeNs + ttlNs);
        ulong answerHash = FastHash.Of(answerIp);
        if (clientIp.IsSet)
        {
            var perClient = PerClientKey(FastHash.Of(clientIp), answerHash);
            _perClient.Set(perClient, perClient.Hash, answer, eventTimeNs, eventTimeNs - _maxTtlNs);
        }
        var global = GlobalKey(answerHash);
        _global.Set(global, global.Hash, answer, eventTimeNs, eventTimeNs - _maxTtlNs);
        Added++;
    }

    /// <summary>
    /// The name <paramref name="client"/> (or, failing that, anyone) resolved <paramref name="address"/>
    /// from, valid at <paramref name="flowTimeNs"/>: seen before the flow (less clock skew) and not expired.
    /// </summary>
    public bool TryResolve(IpAddr client, IpAddr address, long flowTimeNs, out DnsAnswer answer, out bool byClient) =>
        TryResolve(FastHash.Of(client), FastHash.Of(address), flowTimeNs, out answer, out byClient);

    /// <summary>
    /// As <see cref="TryResolve(IpAddr, IpAddr, long, out DnsAnswer, out bool)"/>, with each address's
    /// <see cref="FastHash.Of(in IpAddr)"/> given: a flow asks about both its sides, and the two
    /// addresses' hashes serve all four lookups.
    /// </summary>
    internal bool TryResolve(ulong clientHash, ulong addressHash, long flowTimeNs,
        out DnsAnswer answer, out bool byClient)
    {
        var perClient = PerClientKey(clientHash, addressHash);
        if (_perClient.TryGet(perClient, perClient.Hash, out answer, out _) && Valid(answer, flowTimeNs))
        {
            byClient = true;
            return true;
        }
        byClient = false;
        var global = GlobalKey(addressHash);
        return _global.TryGet(global, global.Hash, out answer, out _) && Valid(answer, flowTimeNs);
    }

    private static bool Valid(in DnsAnswer a, long t) => t == 0 || (t >= a.SeenNs - ClockSkewNs && t <= a.ExpiresNs);

    /// <summary>The per-client table's key for a client's answer for an address (each as <see cref="FastHash.Of(in IpAddr)"/>).</summary>
    private static FingerprintKey PerClientKey(ulong client, ulong address) => new(FastHash.Mix(client, address));

    /// <summary>The global table's key for anyone's answer for an address.</summary>
    private static FingerprintKey GlobalKey(ulong address) => new(address);
}
