using System.Diagnostics;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules.Loading;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// The rules stage: runs the Sigma rules of a folder over every batch. Every few seconds it
/// checks whether a rule file changed; a changed folder that loads cleanly replaces the rules
/// (correlations defined the same way keep their windows, the threat index is kept), one that does not is refused and
/// the running rules stay.
/// </summary>
public sealed class SigmaRuleStage : IFlowRuleStage
{
    private readonly string _directory;
    private readonly RuleEngineOptions _options;
    private readonly ThreatIndex _threat;
    private readonly IAlertSink[] _sinks;
    private readonly Action<string> _log;
    private readonly TimeSpan _reloadInterval;
    private long _lastCheck = Stopwatch.GetTimestamp();
    private string _fingerprint;

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

    /// <inheritdoc />
    public int Evaluate(ReadOnlySpan<FlowEvent> events)
    {
        if (_reloadInterval > TimeSpan.Zero && Stopwatch.GetElapsedTime(_lastCheck) >= _reloadInterval)
        {
            _lastCheck = Stopwatch.GetTimestamp();
            ReloadIfChanged();
        }
        return Engine.Evaluate(events);
    }

    /// <summary>Reloads when a file changed; returns the errors when the new files were refused.</summary>
    public IReadOnlyList<RuleError> ReloadIfChanged()
    {
        string fp = Fingerprint();
        if (fp == _fingerprint) return [];
        _fingerprint = fp;
        var r = RuleLoader.LoadDirectory(_directory);
        if (!r.IsValid)
        {
            _log($"rules: changes in {_directory} refused, previous rules stay active:\n  " + string.Join("\n  ", r.Errors));
            return r.Errors;
        }
        Engine = new RuleEngine(r.RuleSet!, _options, _threat, _sinks, Engine);
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
