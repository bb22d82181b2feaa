using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules.Correlation;
using FlowRelay.Engine.Rules.Fields;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// Runs one <see cref="RuleSet"/> over flow and DNS events as a stream: detection rules per event,
/// correlations in event time, chained correlations on alerts, the threat index on every alert
/// with risk points. Single-threaded: callers on more than one thread (the flow and DNS pipelines)
/// serialise their batches (<see cref="SigmaRuleStage"/> does). Events that match nothing allocate nothing.
/// </summary>
public sealed class RuleEngine
{
    private readonly RuleSet _rules;
    private readonly IAlertSink[] _sinks;
    private readonly ThreatIndex _threat;
    private readonly CorrelationState[] _states;
    private readonly (CorrelationState State, EventInput Input)[][] _eventConsumers;
    private readonly (CorrelationState State, AlertInput Input)[][] _alertConsumers;
    private readonly bool[] _detectionAlerts;
    private readonly Dictionary<(int Rule, IpAddr Host), long> _detectionSuppress = new();
    private readonly DetectionRule<FlowEvent>[] _flowRules;
    private readonly int[] _flowIndex;
    private readonly DetectionRule<DnsEvent>[] _dnsRules;
    private readonly int[] _dnsIndex;
    private readonly long[] _matches;
    private readonly long[] _excluded;
    private readonly int _maxGroups;

    /// <summary>Builds the engine; on a reload pass the engine being replaced as <c>previous</c>, so correlations defined the same way keep their windows.</summary>
    public RuleEngine(RuleSet rules, RuleEngineOptions options, ThreatIndex threatIndex, IEnumerable<IAlertSink> sinks, RuleEngine? previous = null)
    {
        _rules = rules;
        _sinks = sinks.ToArray();
        _threat = threatIndex;
        var plans = rules.Plans;
        _states = plans.Select(p => new CorrelationState(p, options, HostIndex(p))).ToArray();
        _eventConsumers = rules.Detections.Select((_, d) => plans.SelectMany((p, i) => p.EventInputs.Where(x => x.Detection == d).Select(x => (_states[i], x))).ToArray()).ToArray();
        _alertConsumers = plans.Select((_, s) => plans.SelectMany((p, i) => p.AlertInputs.Where(x => x.SourcePlan == s).Select(x => (_states[i], x))).ToArray()).ToArray();
        _detectionAlerts = rules.Detections.Select((_, d) => rules.DetectionAlerts(d)).ToArray();
        if (previous is not null)
        {
            foreach (var state in _states)
            {
                if (previous._states.FirstOrDefault(s => s.Plan.Rule.Info.Id == state.Plan.Rule.Info.Id) is { } old && state.AdoptFrom(old)) KeptOnReload++;
            }
        }
        _matches = new long[rules.Detections.Count];
        _excluded = new long[rules.Detections.Count];
        _maxGroups = options.MaxGroups;
        _flowIndex = Enumerable.Range(0, rules.Detections.Count).Where(d => rules.Detections[d] is DetectionRule<FlowEvent>).ToArray();
        _flowRules = _flowIndex.Select(d => (DetectionRule<FlowEvent>)rules.Detections[d]).ToArray();
        _dnsIndex = Enumerable.Range(0, rules.Detections.Count).Where(d => rules.Detections[d] is DetectionRule<DnsEvent>).ToArray();
        _dnsRules = _dnsIndex.Select(d => (DetectionRule<DnsEvent>)rules.Detections[d]).ToArray();
    }

    public RuleSet Rules => _rules;

    public ThreatIndex ThreatIndex => _threat;

    /// <summary>Correlations whose windows were taken over from the previous engine.</summary>
    public int KeptOnReload { get; }

    /// <summary>Alerts raised so far.</summary>
    public long Alerts { get; private set; }

    /// <summary>Events evaluated so far (every event of every batch).</summary>
    public long EventsEvaluated { get; private set; }

    /// <summary>Detection alerts left out because the same rule and host alerted within the rule's <c>suppress</c> time.</summary>
    public long DetectionSuppressed { get; private set; }

    /// <summary>Most group keys one correlation holds (<see cref="RuleEngineOptions.MaxGroups"/>).</summary>
    public int MaxGroupsPerCorrelation => _maxGroups;

    /// <summary>Events a filter removed from detection rule <paramref name="detection"/> (its condition matched, a filter too).</summary>
    public long ExcludedOf(int detection) => Volatile.Read(ref _excluded[detection]);

    /// <summary>Events each detection rule matched (filters applied), in <see cref="RuleSet.Detections"/> order.</summary>
    public long MatchesOf(int detection) => Volatile.Read(ref _matches[detection]);

    /// <summary>Per correlation: groups held, late drops, expired/evicted groups, suppressed and fired alerts.</summary>
    public IEnumerable<(string RuleId, int Groups, long LateDropped, long Expired, long Evicted, long Suppressed, long Fired)> CorrelationCounters =>
        _states.Select(s => (s.Plan.Rule.Info.Id, s.Groups, s.LateDropped, s.Expired, s.Evicted, s.Suppressed, s.Fired));

    /// <summary>Evaluates a batch of flows; returns the number of alerts raised.</summary>
    public int Evaluate(Span<FlowEvent> events) => Evaluate(events, _flowRules, _flowIndex);

    /// <summary>Evaluates a batch of DNS queries; returns the number of alerts raised.</summary>
    public int Evaluate(Span<DnsEvent> events) => Evaluate(events, _dnsRules, _dnsIndex);

    /// <summary>DNS queries evaluated so far (also counted in <see cref="EventsEvaluated"/>).</summary>
    public long DnsEventsEvaluated { get; private set; }

    private int Evaluate<T>(Span<T> events, DetectionRule<T>[] rules, int[] index) where T : struct, IRuleEvent<T>
    {
        long before = Alerts;
        EventsEvaluated += events.Length;
        if (typeof(T) == typeof(DnsEvent)) DnsEventsEvaluated += events.Length;
        // Two passes. The first runs the detection conditions and notes each match, with the group
        // key (and its hash) of every correlation that counts it. The second takes the matches in
        // event order, as one pass would: filters, detection alerts, correlation updates. The
        // correlations' groups (100,000 hosts' worth) are not in cache; knowing the keys ahead lets
        // the second pass load each group's table slot, then its object, then its window entry, a
        // few observations before it reaches them, so those misses overlap instead of stalling
        // one after another.
        int hitCount = 0, obsCount = 0;
        for (int n = 0; n < events.Length; n++)
        {
            ref var e = ref events[n];
            for (int r = 0; r < rules.Length; r++)
            {
                if (!rules[r].Matcher.Match(in e)) continue;
                if (hitCount == _hits.Length) Array.Resize(ref _hits, _hits.Length * 2);
                _hits[hitCount++] = (n, r);
                foreach (var (state, input) in _eventConsumers[index[r]])
                {
                    if (obsCount == _obsKeys.Length) GrowObservations();
                    var key = CorrelationState.KeyOf(in e, (EventInput<T>)input);
                    _obsKeys[obsCount] = key;
                    _obsHashes[obsCount] = GroupTable.HashOf(in key);
                    _obsStates[obsCount++] = state;
                }
            }
        }
        // Start the prefetch pipeline as if observations -SlotAhead .. -1 had been taken.
        for (int o = -SlotAhead; o < 0; o++) PrefetchAhead(o, obsCount);
        int next = 0;
        for (int h = 0; h < hitCount; h++)
        {
            var (n, r) = _hits[h];
            ref var e = ref events[n];
            int d = index[r];
            var consumers = _eventConsumers[d];
            if (rules[r].Exclusions.Length > 0 && rules[r].ExcludedBy(in e) is { } filter)
            {
                T.MarkExcluded(ref e, filter);
                _excluded[d]++;
                next += consumers.Length;
                continue;
            }
            _matches[d]++;
            long t = T.EventTime(in e);
            if (_detectionAlerts[d]) DetectionAlert(d, rules[r], in e, t);
            foreach (var (state, input) in consumers)
            {
                int o = next++;
                PrefetchAhead(o, obsCount);
                if (state.ObserveEvent(in e, (EventInput<T>)input, t, in _obsKeys[o], _obsHashes[o]) is { } alert) Emit(alert, Array.IndexOf(_states, state));
            }
        }
        Array.Clear(_obsStates, 0, obsCount); // no references kept to states a reload replaces
        return (int)(Alerts - before);
    }

    // How many observations ahead each prefetch step runs: the slot first, its group once the slot
    // has arrived, the group's window entry once the group has.
    private const int SlotAhead = 12, GroupAhead = 8, WindowAhead = 4;

    /// <summary>The prefetch steps due when observation <paramref name="o"/> is taken (those of observations that exist).</summary>
    private void PrefetchAhead(int o, int count)
    {
        int s = o + SlotAhead, g = o + GroupAhead, w = o + WindowAhead;
        if (s >= 0 && s < count) _obsStates[s].PrefetchSlot(_obsHashes[s]);
        if (g >= 0 && g < count) _obsStates[g].PrefetchGroup(_obsHashes[g]);
        if (w >= 0 && w < count) _obsStates[w].PrefetchWindow(_obsHashes[w]);
    }

    // The batch's matches (event, rule) and its correlation observations (key, hash, state), in
    // order; they grow to the largest batch's needs and stay.
    private (int Event, int Rule)[] _hits = new (int, int)[4096];
    private GroupKey[] _obsKeys = new GroupKey[4096];
    private int[] _obsHashes = new int[4096];
    private CorrelationState[] _obsStates = new CorrelationState[4096];

    private void GrowObservations()
    {
        int size = _obsKeys.Length * 2;
        Array.Resize(ref _obsKeys, size);
        Array.Resize(ref _obsHashes, size);
        Array.Resize(ref _obsStates, size);
    }

    /// <summary>Event time of a flow: its end (the time its bytes were all sent), else when it was received.</summary>
    public static long EventTime(in FlowEvent e) => FlowEvent.EventTime(in e);

    private void DetectionAlert<T>(int d, DetectionRule<T> rule, in T e, long t) where T : struct, IRuleEvent<T>
    {
        var info = rule.Info;
        var hostField = rule.Host;
        hostField.Ip!(in e, out var host);
        if (info.Suppress > TimeSpan.Zero)
        {
            if (_detectionSuppress.TryGetValue((d, host), out long last) && t - last < info.Suppress.Ticks * 100)
            {
                DetectionSuppressed++;
                return;
            }
            if (_detectionSuppress.Count > 100_000) _detectionSuppress.Clear();
            _detectionSuppress[(d, host)] = t;
        }
        var fields = new List<KeyValuePair<string, string>>();
        foreach (var name in T.AlertFields)
        {
            if (T.Fields.TryGet(name, out var acc) && acc.ToDisplayString(in e) is { } v) fields.Add(new(name, v));
        }
        Emit(new Alert
        {
            Rule = info,
            TimeNs = t,
            Fields = fields,
            Kind = "detection",
            EventCount = 1,
            Host = hostField.ToDisplayString(in e),
            Sample = T.Sample(in e) is { } sample ? [sample] : [],
            SampleKind = T.SampleKind,
        }, -1);
    }

    private void Emit(Alert alert, int stateIndex)
    {
        Alerts++;
        RiskLevel levelBefore = RiskLevel.Unknown, levelAfter = RiskLevel.Unknown;
        double score = 0;
        if (alert.Rule.RiskPoints > 0 && alert.Host is { Length: > 0 } host)
        {
            (score, levelBefore, levelAfter) = _threat.Add(host, alert.Rule.RiskPoints, alert.TimeNs);
            alert.RiskScore = score;
        }
        foreach (var sink in _sinks) sink.Write(alert);
        if (alert.RiskScore is not null)
        {
            var risk = new HostRisk(alert.Host!, score, levelAfter, alert.TimeNs, alert.Rule.Id);
            foreach (var sink in _sinks) sink.WriteRisk(risk);
            if (levelAfter > levelBefore) LevelAlert(alert, risk, levelBefore);
        }
        if (stateIndex < 0) return;
        foreach (var (state, input) in _alertConsumers[stateIndex])
        {
            if (state.ObserveAlert(alert, input) is { } chained) Emit(chained, Array.IndexOf(_states, state));
        }
    }

    private void LevelAlert(Alert cause, HostRisk risk, RiskLevel before)
    {
        string level = risk.Level switch { RiskLevel.Critical => "critical", RiskLevel.High => "high", RiskLevel.Moderate => "medium", _ => "low" };
        string name = risk.Level.ToString().ToLowerInvariant();
        var info = new RuleInfo
        {
            Id = "flowrelay-threat-index-" + name,
            Name = "threat_index_" + name,
            Title = $"Host threat index reached {name}",
            Description = $"The host's threat index rose from {before.ToString().ToLowerInvariant()} to {name} (last alert: {cause.Rule.Title}).",
            Level = level,
            File = "(built in)",
        };
        Alerts++;
        var alert = new Alert
        {
            Rule = info,
            TimeNs = cause.TimeNs,
            Fields = [new("host.ip", risk.Host)],
            Kind = "threat_index",
            Value = Math.Round(risk.Score, 2),
            Threshold = (long)(risk.Level switch
            {
                RiskLevel.Critical => _threat.Options.Critical,
                RiskLevel.High => _threat.Options.High,
                RiskLevel.Moderate => _threat.Options.Moderate,
                _ => _threat.Options.Low,
            }),
            Host = risk.Host,
            RiskScore = risk.Score,
        };
        foreach (var sink in _sinks) sink.Write(alert);
    }

    private static int HostIndex(CorrelationPlan plan)
    {
        var groupBy = plan.Rule.GroupBy;
        if (plan.Rule.Info.HostField is { } h) return groupBy.ToList().IndexOf(h);
        for (int i = 0; i < groupBy.Count; i++)
        {
            if ((FlowEventFields.Table.TryGet(groupBy[i], out var acc) && acc.Kind == FieldKind.Ip) ||
                (DnsEventFields.Table.TryGet(groupBy[i], out var dacc) && dacc.Kind == FieldKind.Ip)) return i;
            if (groupBy[i] == "host.ip") return i;
        }
        // Aliased or chained keys: the first input's resolved address field.
        var first = plan.EventInputs.FirstOrDefault();
        if (first is not null)
        {
            var kinds = first.KeyKinds;
            for (int i = 0; i < kinds.Length; i++) if (kinds[i] == FieldKind.Ip) return i;
        }
        return -1;
    }
}
