using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules.Correlation;
using FlowRelay.Engine.Rules.Fields;
using FlowRelay.Engine.Rules.Loading;
using YamlDotNet.Core;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// A complete, linked rule set: detection rules (filters applied), correlation rules in an
/// order where every rule comes after the rules it counts, and how each correlation reads its
/// inputs. Immutable; the engine keeps the mutable window state.
/// </summary>
public sealed class RuleSet
{
    private RuleSet(IReadOnlyList<DetectionRule> detections, IReadOnlyList<CorrelationPlan> plans, int filters)
    {
        Detections = detections;
        Plans = plans;
        FilterCount = filters;
    }

    public IReadOnlyList<DetectionRule> Detections { get; }

    /// <summary>Correlations, each after the correlations it counts.</summary>
    public IReadOnlyList<CorrelationRule> Correlations => Plans.Select(p => p.Rule).ToList();

    public int FilterCount { get; }

    internal IReadOnlyList<CorrelationPlan> Plans { get; }

    /// <summary>True when detection <paramref name="index"/> raises its own alerts (no correlation uses it, or one says <c>generate: true</c>).</summary>
    internal bool DetectionAlerts(int index) =>
        Plans.All(p => p.EventInputs.All(i => i.Detection != index)) || Plans.Any(p => p.Rule.Generate && p.EventInputs.Any(i => i.Detection == index));

    /// <summary>An empty set (no rules).</summary>
    public static RuleSet Empty { get; } = new([], [], 0);

    internal static RuleSet Link(List<(DetectionRule Rule, Mark At)> detections, List<(CorrelationRule Rule, Mark At)> correlations, List<SigmaFilter> filters)
    {
        var byRef = new Dictionary<string, (int Index, bool IsCorrelation)>(StringComparer.Ordinal);
        void Register(RuleInfo info, Mark at, int index, bool isCorr)
        {
            if (!byRef.TryAdd(info.Id, (index, isCorr))) throw new LinkException(info.File, at, $"id '{info.Id}' is used by more than one rule");
            if (info.Name is { } n && n != info.Id && !byRef.TryAdd(n, (index, isCorr))) throw new LinkException(info.File, at, $"name '{n}' is used by more than one rule");
        }
        for (int i = 0; i < detections.Count; i++) Register(detections[i].Rule.Info, detections[i].At, i, false);
        for (int i = 0; i < correlations.Count; i++) Register(correlations[i].Rule.Info, correlations[i].At, i, true);

        foreach (var f in filters)
        {
            foreach (var r in f.Rules)
            {
                if (!byRef.TryGetValue(r, out var t) || t.IsCorrelation)
                    throw new LinkException(f.Info.File, f.At, $"filter '{f.Info.Title}' names rule '{r}', which is not a loaded detection rule");
                detections[t.Index].Rule.ApplyFilter(f);
            }
        }

        // Order correlations so each comes after those it counts; a cycle is an error.
        var order = new List<int>();
        var state = new int[correlations.Count]; // 0 new, 1 visiting, 2 done
        void Visit(int i)
        {
            if (state[i] == 2) return;
            var (rule, at) = correlations[i];
            if (state[i] == 1) throw new LinkException(rule.Info.File, at, $"correlation '{rule.Info.Title}' is part of a reference cycle");
            state[i] = 1;
            foreach (var r in rule.Rules)
            {
                if (!byRef.TryGetValue(r, out var t)) throw new LinkException(rule.Info.File, at, $"correlation '{rule.Info.Title}' names rule '{r}', which is not loaded (refer by id or name)");
                if (t.IsCorrelation) Visit(t.Index);
            }
            state[i] = 2;
            order.Add(i);
        }
        for (int i = 0; i < correlations.Count; i++) Visit(i);

        var plans = new List<CorrelationPlan>();
        var planOf = new Dictionary<int, int>();
        foreach (int i in order)
        {
            var (rule, at) = correlations[i];
            var plan = new CorrelationPlan(rule);
            for (int position = 0; position < rule.Rules.Count; position++)
            {
                var r = rule.Rules[position];
                var t = byRef[r];
                if (t.IsCorrelation)
                {
                    var source = plans[planOf[t.Index]].Rule;
                    if (rule.Type is not (CorrelationType.EventCount or CorrelationType.Temporal or CorrelationType.TemporalOrdered))
                        throw new LinkException(rule.Info.File, at, $"'{rule.Info.Title}': only event_count and temporal correlations can use another correlation's alerts ('{r}')");
                    var map = rule.GroupBy.Select(g =>
                    {
                        int k = source.GroupBy.ToList().IndexOf(g);
                        return k >= 0 ? k : throw new LinkException(rule.Info.File, at, $"'{rule.Info.Title}': group-by '{g}' is not a group-by field of '{r}' ({string.Join(", ", source.GroupBy)})");
                    }).ToArray();
                    plan.AlertInputs.Add(new AlertInput(planOf[t.Index], map, position));
                }
                else
                {
                    plan.EventInputs.Add(detections[t.Index].Rule.Bind(rule, at, r, t.Index, position));
                }
            }
            planOf[i] = plans.Count;
            plans.Add(plan);
        }
        return new RuleSet(detections.Select(d => d.Rule).ToList(), plans, filters.Count);
    }
}

/// <summary>How a correlation reads one detection rule's events; <see cref="EventInput{T}"/> binds the fields.</summary>
internal abstract record EventInput(int Detection, int Position)
{
    /// <summary>Kinds of the group-key fields, in group-by order.</summary>
    public abstract FieldKind[] KeyKinds { get; }
}

/// <summary>Group-key fields and value field of one detection rule's events of type <typeparamref name="T"/>.</summary>
internal sealed record EventInput<T>(int Detection, FieldAccessor<T>[] Keys, FieldAccessor<T>? Value, int Position) : EventInput(Detection, Position)
    where T : struct, IRuleEvent<T>
{
    public override FieldKind[] KeyKinds { get; } = Keys.Select(k => k.Kind).ToArray();
}

/// <summary>How a correlation reads another correlation's alerts: which of its key parts make this key.</summary>
internal sealed record AlertInput(int SourcePlan, int[] KeyMap, int Position);

/// <summary>A correlation and its inputs.</summary>
internal sealed class CorrelationPlan(CorrelationRule rule)
{
    public CorrelationRule Rule { get; } = rule;
    public List<EventInput> EventInputs { get; } = [];
    public List<AlertInput> AlertInputs { get; } = [];
}
