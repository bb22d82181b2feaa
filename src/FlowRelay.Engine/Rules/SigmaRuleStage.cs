using System.Diagnostics;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules.Loading;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// The rules stage: runs the Sigma rules of a folder over every batch of flows and of DNS queries.
/// The two pipelines call it from their own threads; a lock serialises the batches, so the engine,
/// its windows, the threat index and the alert sinks see one event stream. Every few seconds it
/// checks whether a rule file changed; a changed folder that loads cleanly replaces the rules
/// (correlations defined the same way keep their windows, the threat index is kept), one that does not is refused and
/// the running rules stay.
/// </summary>
public sealed class SigmaRuleStage : IFlowRuleStage, IDnsRuleStage
{
    private readonly Lock _gate = new();
    private readonly string _directory;
    private readonly RuleEngineOptions _options;
    private readonly ThreatIndex _threat;
    private readonly IAlertSink[] _sinks;
    private readonly Action<string> _log;
    private readonly TimeSpan _reloadInterval;
    private long _lastCheck = Stopwatch.GetTimestamp();
    private string _fingerprint;
    private Dictionary<string, long> _previousMatches = new(StringComparer.Ordinal);

    /// <summary>Loads the folder; throws <see cref="InvalidOperationException"/> listing every error when it does not load.</summary>
    public SigmaRuleStage(string directory, RuleEngineOptions options, ThreatIndex threat, IEnumerable<IAlertSink> sinks, Action<string> log, TimeSpan reloadInterval)
    {
        _directory = directory;
        _options = options;
        _threat = threat;
        _sinks = sinks.ToArray();
        _log = log;
        _reloadInterval = reloadInterval;
        _fingerprint = Fingerprint();
        var r = RuleLoader.LoadDirectory(directory);
        if (!r.IsValid) throw new InvalidOperationException($"rules in {directory} do not load:\n  " + string.Join("\n  ", r.Errors));
        Engine = new RuleEngine(r.RuleSet!, options, threat, _sinks);
        log($"rules: loaded {Describe(r.RuleSet!)} from {directory}");
    }

    /// <summary>The engine running now.</summary>
    public RuleEngine Engine { get; private set; }

    /// <summary>Rule sets replaced by a reload.</summary>
    public long Reloads { get; private set; }

    /// <summary>Changed rule folders refused (the running rules stayed).</summary>
    public long ReloadsRefused { get; private set; }

    /// <summary>Events evaluated by the engines replaced on reload.</summary>
    public long PreviousEvents { get; private set; }

    /// <summary>Events filters removed from rules in the engines replaced on reload.</summary>
    public long PreviousExcluded { get; private set; }

    /// <summary>DNS queries evaluated by the engines replaced on reload (also in <see cref="PreviousEvents"/>).</summary>
    public long PreviousDnsEvents { get; private set; }

    /// <summary>Alerts raised by the engines replaced on reload.</summary>
    public long PreviousAlerts { get; private set; }

    /// <summary>Detection matches of the engines replaced on reload.</summary>
    public long PreviousMatches { get; private set; }

    /// <summary>Matches of the detection rule with this id in the engines replaced on reload.</summary>
    public long PreviousMatchesOf(string ruleId) => _previousMatches.TryGetValue(ruleId, out long n) ? n : 0;

    /// <summary>The stage's figures for stats.json (<c>rules</c>).</summary>
    public RuleStageCounters Counters => new(this);

    /// <summary>Matches per detection rule for stats.json (<c>rules.matches_per_rule</c>).</summary>
    public RuleMatchCounters MatchCounters => new(this);

    /// <inheritdoc />
    public int Evaluate(Span<FlowEvent> events)
    {
        lock (_gate)
        {
            ReloadWhenDue();
            return Engine.Evaluate(events);
        }
    }

    /// <inheritdoc />
    public int Evaluate(Span<DnsEvent> events)
    {
        lock (_gate)
        {
            ReloadWhenDue();
            return Engine.Evaluate(events);
        }
    }

    private void ReloadWhenDue()
    {
        if (_reloadInterval > TimeSpan.Zero && Stopwatch.GetElapsedTime(_lastCheck) >= _reloadInterval)
        {
            _lastCheck = Stopwatch.GetTimestamp();
            ReloadIfChanged();
        }
    }

    /// <summary>Reloads when a file changed; returns the errors when the new files were refused.</summary>
    public IReadOnlyList<RuleError> ReloadIfChanged()
    {
        lock (_gate) return Reload();
    }

    private IReadOnlyList<RuleError> Reload()
    {
        string fp = Fingerprint();
        if (fp == _fingerprint) return [];
        _fingerprint = fp;
        var r = RuleLoader.LoadDirectory(_directory);
        if (!r.IsValid)
        {
            ReloadsRefused++;
            _log($"rules: changes in {_directory} refused, previous rules stay active:\n  " + string.Join("\n  ", r.Errors));
            return r.Errors;
        }
        var old = Engine;
        var matches = new Dictionary<string, long>(_previousMatches, StringComparer.Ordinal);
        long total = PreviousMatches;
        for (int d = 0; d < old.Rules.Detections.Count; d++)
        {
            long n = old.MatchesOf(d);
            string id = old.Rules.Detections[d].Info.Id;
            matches[id] = matches.GetValueOrDefault(id) + n;
            total += n;
        }
        // The new engine first, then the totals: a concurrent stats read undercounts for a moment rather than double counts.
        Engine = new RuleEngine(r.RuleSet!, _options, _threat, _sinks, old);
        (PreviousEvents, PreviousAlerts, PreviousMatches, _previousMatches) = (PreviousEvents + old.EventsEvaluated, PreviousAlerts + old.Alerts, total, matches);
        PreviousDnsEvents += old.DnsEventsEvaluated;
        for (int d = 0; d < old.Rules.Detections.Count; d++) PreviousExcluded += old.ExcludedOf(d);
        Reloads++;
        _log($"rules: reloaded {Describe(r.RuleSet!)}; {Engine.KeptOnReload} correlation(s) kept their windows");
        return [];
    }

    private static string Describe(RuleSet s) => $"{s.Detections.Count} detection, {s.Correlations.Count} correlation, {s.FilterCount} filter rules";

    private string Fingerprint()
    {
        try
        {
            return string.Join("|", Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(f => { var i = new FileInfo(f); return $"{f}:{i.Length}:{i.LastWriteTimeUtc.Ticks}"; }));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}
