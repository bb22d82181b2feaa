using FlowRelay.Engine.Rules.Correlation;
using FlowRelay.Engine.Rules.Detection;
using FlowRelay.Engine.Rules.Fields;
using FlowRelay.Engine.Rules.Loading;
using YamlDotNet.Core;

namespace FlowRelay.Engine.Rules;

/// <summary>A compiled Sigma detection rule and the filters that name it; <see cref="DetectionRule{T}"/> holds the matchers for its event type.</summary>
public abstract class DetectionRule
{
    private protected DetectionRule(RuleInfo info) => Info = info;

    public RuleInfo Info { get; }

    /// <summary>Ids of the filters applied to this rule.</summary>
    public List<string> Filters { get; } = [];

    /// <summary>The Sigma logsource service of the events it reads: <c>connection</c> (flows) or <c>dns</c>.</summary>
    public abstract string Service { get; }

    /// <summary>Binds a correlation's group-by (and value) fields to this rule's event type.</summary>
    internal abstract EventInput Bind(CorrelationRule rule, Mark at, string reference, int index, int position);

    /// <summary>Adds a filter of the same event type (and-not); a filter for another logsource is refused.</summary>
    internal abstract void ApplyFilter(SigmaFilter filter);
}

/// <summary>A detection rule over events of type <typeparamref name="T"/>.</summary>
public sealed class DetectionRule<T> : DetectionRule where T : struct, IRuleEvent<T>
{
    public DetectionRule(RuleInfo info, Matcher<T> matcher) : base(info)
    {
        Matcher = matcher;
        var hostName = info.HostField ?? T.DefaultHostField;
        Host = T.Fields.TryGet(hostName, out var h) && h.Kind == FieldKind.Ip ? h : throw new ArgumentException($"'{hostName}' is not an address field of {Service} events");
    }

    /// <summary>The rule's own condition.</summary>
    public Matcher<T> Matcher { get; }

    /// <summary>The filters that name this rule, by name (else id): an event the condition matches and a filter matches is excluded.</summary>
    public (string Name, Matcher<T> Matcher)[] Exclusions { get; private set; } = [];

    /// <summary>The name of the first filter that removes <paramref name="e"/> from this rule, or null.</summary>
    public string? ExcludedBy(in T e)
    {
        foreach (var (name, matcher) in Exclusions)
        {
            if (matcher.Match(in e)) return name;
        }
        return null;
    }

    /// <summary>The address field a detection alert names as its host.</summary>
    internal FieldAccessor<T> Host { get; }

    public override string Service => T.Fields.Service;

    internal override EventInput Bind(CorrelationRule rule, Mark at, string reference, int index, int position)
    {
        FieldAccessor<T> Resolve(string name)
        {
            string field = name;
            if (rule.Aliases.TryGetValue(name, out var perRule))
            {
                if (!perRule.TryGetValue(reference, out field!) && !(Info.Name is { } n && perRule.TryGetValue(n, out field!)) && !perRule.TryGetValue(Info.Id, out field!))
                    throw new LinkException(rule.Info.File, at, $"alias '{name}' has no field for rule '{reference}'");
            }
            return T.Fields.TryGet(field, out var acc) ? acc
                : throw new LinkException(rule.Info.File, at,
                    $"'{rule.Info.Title}': unknown field '{field}' for rule '{reference}' (logsource {T.Fields.Category}/{T.Fields.Service}; known: {string.Join(", ", T.Fields.Names)})");
        }
        var keys = rule.GroupBy.Select(Resolve).ToArray();
        FieldAccessor<T>? value = null;
        if (rule.ValueField is { } vf)
        {
            value = Resolve(vf);
            if (rule.Type is CorrelationType.ValueSum or CorrelationType.ValueAvg && value.Kind != FieldKind.Number)
                throw new LinkException(rule.Info.File, at, $"'{rule.Info.Title}': {rule.Type} needs a numeric field; '{value.Name}' is {value.Kind.ToString().ToLowerInvariant()}");
        }
        return new EventInput<T>(index, keys, value, position);
    }

    internal override void ApplyFilter(SigmaFilter filter)
    {
        if (filter is not SigmaFilter<T> f)
            throw new LinkException(filter.Info.File, filter.At,
                $"filter '{filter.Info.Title}' is for logsource network/{filter.Service} but rule '{Info.Id}' reads network/{Service} events");
        Exclusions = [.. Exclusions, (f.Info.Name ?? f.Info.Id, f.Matcher)];
        Filters.Add(f.Info.Id);
    }
}
