using FlowRelay.Engine.Counters;

namespace FlowRelay.Engine.Risk;

/// <summary>
/// Per-host threat index: each alert adds its rule's points; the score decays exponentially in
/// event time, score(t) = score(t0) · 2^−(t − t0)/half-life, so a host that stops misbehaving
/// falls back through the levels. Not thread-safe: used from the pipeline thread.
/// </summary>
public sealed class ThreatIndex(ThreatIndexOptions options) : ICounterSource
{
    private readonly Dictionary<string, (double Score, long TimeNs, RiskLevel Level)> _hosts = new(StringComparer.Ordinal);

    public ThreatIndexOptions Options { get; } = options;

    /// <summary>Hosts forgotten because <see cref="ThreatIndexOptions.MaxHosts"/> was reached.</summary>
    public long Evictions { get; private set; }

    public int Count => _hosts.Count;

    /// <summary>Alerts that added points to a host.</summary>
    public long Scored { get; private set; }

    /// <inheritdoc />
    string ICounterSource.CounterSection => "risk";

    /// <inheritdoc />
    IEnumerable<KeyValuePair<string, long>> ICounterSource.ReadCounters() =>
    [
        new("hosts", _hosts.Count),
        new("hosts_capacity", Options.MaxHosts),
        new("hosts_evicted", Evictions),
        new("alerts_scored", Scored),
    ];

    /// <summary>Adds <paramref name="points"/> to <paramref name="host"/> at event time <paramref name="timeNs"/>; returns the new score and the level before and after.</summary>
    public (double Score, RiskLevel Before, RiskLevel After) Add(string host, int points, long timeNs)
    {
        Scored++;
        _hosts.TryGetValue(host, out var h);
        // Kept at the precision the documents show (two decimals), and the level judged on that
        // value: a score shown as 40 is never labelled below the 40 threshold.
        double score = Math.Round(Decay(h.Score, h.TimeNs, timeNs) + points, 2);
        var level = Options.LevelOf(score);
        if (!_hosts.ContainsKey(host) && _hosts.Count >= Options.MaxHosts) EvictLowest();
        _hosts[host] = (score, Math.Max(timeNs, h.TimeNs), level);
        return (score, h.Level, level);
    }

    /// <summary>The current (decayed to <paramref name="timeNs"/>) scores, highest first.</summary>
    public IReadOnlyList<HostRisk> Snapshot(long timeNs) => _hosts
        .Select(kv => { double s = Math.Round(Decay(kv.Value.Score, kv.Value.TimeNs, timeNs), 2); return new HostRisk(kv.Key, s, Options.LevelOf(s), timeNs, ""); })
        .OrderByDescending(r => r.Score).ToList();

    private double Decay(double score, long fromNs, long toNs)
    {
        if (score == 0 || toNs <= fromNs) return score;
        double halfLives = (toNs - fromNs) / (double)Options.HalfLife.Ticks / 100.0;
        return score * Math.Pow(2, -halfLives);
    }

    private void EvictLowest()
    {
        // Forget the lowest tenth at once so a flood of new hosts costs O(1) amortised per host.
        foreach (var key in _hosts.OrderBy(kv => kv.Value.Score).Take(Math.Max(1, _hosts.Count / 10)).Select(kv => kv.Key).ToList())
        {
            _hosts.Remove(key);
            Evictions++;
        }
    }
}
