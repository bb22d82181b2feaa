using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules.Correlation;
using FlowRelay.Engine.Rules.Fields;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>
/// Reads a rules folder — Sigma detection rules, correlation rules and filters in <c>*.yml</c>
/// files (any depth), placeholder lists in <c>lists/</c> — and builds a <see cref="RuleSet"/>.
/// All or nothing: any error in any file gives no rule set, so a bad edit never changes the
/// rules that are running. Every error names file, line, column and the reason.
/// </summary>
public static class RuleLoader
{
    /// <summary>Folder of the placeholder lists, inside the rules folder.</summary>
    public const string ListsFolder = "lists";

    private static readonly string[] DetectionKeys =
        ["title", "id", "related", "name", "taxonomy", "status", "description", "license", "author", "references", "date", "modified",
         "logsource", "detection", "fields", "falsepositives", "level", "tags", "scope", "flowrelay"];

    private static readonly string[] CorrelationKeys =
        ["title", "id", "name", "status", "description", "author", "references", "date", "modified", "taxonomy", "correlation",
         "falsepositives", "level", "generate", "tags", "license", "flowrelay"];

    private static readonly string[] FilterKeys = ["title", "id", "name", "description", "author", "date", "modified", "taxonomy", "logsource", "filter", "flowrelay"];

    /// <summary>Loads every rule file under <paramref name="directory"/>.</summary>
    public static RuleLoadResult LoadDirectory(string directory)
    {
        var errors = new List<RuleError>();
        if (!Directory.Exists(directory))
        {
            errors.Add(new RuleError(directory, 0, 0, "rules folder not found"));
            return new RuleLoadResult(null, errors);
        }
        ListStore lists;
        try
        {
            lists = ListStore.Load(Path.Combine(directory, ListsFolder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(new RuleError(Path.Combine(directory, ListsFolder), 0, 0, e.Message));
            return new RuleLoadResult(null, errors);
        }
        var listsDir = Path.GetFullPath(Path.Combine(directory, ListsFolder)) + Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(directory, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".yaml", StringComparison.Ordinal))
            .Where(f => !Path.GetFullPath(f).StartsWith(listsDir, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(directory, f), File.ReadAllText(f)));
        return Load(files, lists);
    }

    /// <summary>Loads rules from (file name, YAML text) pairs.</summary>
    public static RuleLoadResult Load(IEnumerable<(string File, string Yaml)> files, ListStore lists)
    {
        var errors = new List<RuleError>();
        var detections = new List<(DetectionRule Rule, Mark At)>();
        var correlations = new List<(CorrelationRule Rule, Mark At)>();
        var filters = new List<SigmaFilter>();
        foreach (var (file, yaml) in files)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yaml));
            }
            catch (YamlException e)
            {
                errors.Add(new RuleError(file, (int)e.Start.Line, (int)e.Start.Column, "YAML: " + (e.InnerException?.Message ?? e.Message)));
                continue;
            }
            for (int d = 0; d < stream.Documents.Count; d++)
            {
                var root = stream.Documents[d].RootNode;
                try
                {
                    var map = YamlNodes.Map(root, "a rule document");
                    string fallbackId = stream.Documents.Count == 1 ? file : $"{file}#{d + 1}";
                    if (YamlNodes.Get(map, "action") is not null)
                        throw new RuleException(map.Start, "rule collections ('action: global/reset/repeat') are not supported: write one complete rule per document");
                    if (YamlNodes.Get(map, "correlation") is not null) correlations.Add((ParseCorrelation(map, file, fallbackId), map.Start));
                    else if (YamlNodes.Get(map, "filter") is not null) filters.Add(ParseFilter(map, file, fallbackId, lists));
                    else if (YamlNodes.Get(map, "detection") is not null) detections.Add((ParseDetection(map, file, fallbackId, lists), map.Start));
                    else throw new RuleException(map.Start, "not a Sigma rule: expected a 'detection', 'correlation' or 'filter' key");
                }
                catch (RuleException e)
                {
                    errors.Add(new RuleError(file, (int)e.At.Line, (int)e.At.Column, e.Message));
                }
            }
        }
        if (errors.Count > 0) return new RuleLoadResult(null, errors);
        try
        {
            return new RuleLoadResult(RuleSet.Link(detections, correlations, filters), errors);
        }
        catch (LinkException e)
        {
            errors.Add(new RuleError(e.File, (int)e.At.Line, (int)e.At.Column, e.Message));
            return new RuleLoadResult(null, errors);
        }
    }

    private static RuleInfo ParseInfo(YamlMappingNode map, string file, string fallbackId)
    {
        var title = YamlNodes.Get(map, "title") is { } t ? YamlNodes.Text(t, "title") : throw new RuleException(map.Start, "missing 'title'");
        var level = YamlNodes.OptionalText(map, "level", "level") ?? "medium";
        if (!RuleInfo.Levels.Contains(level))
            throw new RuleException(YamlNodes.Get(map, "level")!.Start, $"level '{level}' is not one of {string.Join(", ", RuleInfo.Levels)}");
        int risk = 0;
        TimeSpan suppress = TimeSpan.Zero;
        string? host = null;
        if (YamlNodes.Get(map, "flowrelay") is { } fr)
        {
            var frMap = YamlNodes.Map(fr, "flowrelay");
            YamlNodes.CheckKeys(frMap, ["risk", "suppress", "host"], "flowrelay");
            if (YamlNodes.Get(frMap, "risk") is { } r)
            {
                long v = YamlNodes.Integer(r, "flowrelay.risk");
                if (v is < 0 or > 100) throw new RuleException(r.Start, "flowrelay.risk must be 0..100");
                risk = (int)v;
            }
            if (YamlNodes.Get(frMap, "suppress") is { } s) suppress = YamlNodes.Timespan(s, "flowrelay.suppress");
            if (YamlNodes.Get(frMap, "host") is { } h)
            {
                host = YamlNodes.Text(h, "flowrelay.host");
                bool flowIp = FlowEventFields.Table.TryGet(host, out var fa) && fa.Kind == FieldKind.Ip;
                bool dnsIp = DnsEventFields.Table.TryGet(host, out var da) && da.Kind == FieldKind.Ip;
                if (!flowIp && !dnsIp) throw new RuleException(h.Start, $"flowrelay.host '{host}' must name an address field");
            }
        }
        return new RuleInfo
        {
            Id = YamlNodes.OptionalText(map, "id", "id") ?? fallbackId,
            Name = YamlNodes.OptionalText(map, "name", "name"),
            Title = title,
            Description = YamlNodes.OptionalText(map, "description", "description"),
            Level = level,
            Status = YamlNodes.OptionalText(map, "status", "status"),
            Author = YamlNodes.OptionalText(map, "author", "author"),
            License = YamlNodes.OptionalText(map, "license", "license"),
            References = YamlNodes.Get(map, "references") is { } refs ? YamlNodes.TextList(refs, "references") : [],
            Tags = YamlNodes.Get(map, "tags") is { } tags ? YamlNodes.TextList(tags, "tags") : [],
            File = file,
            RiskPoints = risk,
            Suppress = suppress,
            HostField = host,
        };
    }

    /// <summary>The event type a rule's logsource names: flows (network/connection) or DNS queries (network/dns).</summary>
    private enum Source
    {
        Flow,
        Dns,
    }

    private static Source CheckLogsource(YamlMappingNode map)
    {
        var node = YamlNodes.Get(map, "logsource") ?? throw new RuleException(map.Start, "missing 'logsource'");
        var ls = YamlNodes.Map(node, "logsource");
        YamlNodes.CheckKeys(ls, ["category", "product", "service", "definition"], "logsource");
        var category = YamlNodes.OptionalText(ls, "category", "logsource.category");
        var service = YamlNodes.OptionalText(ls, "service", "logsource.service");
        var product = YamlNodes.OptionalText(ls, "product", "logsource.product");
        if (category == FlowEventFields.Table.Category && service == FlowEventFields.Table.Service && product is null) return Source.Flow;
        if (category == DnsEventFields.Table.Category && service == DnsEventFields.Table.Service && product is null) return Source.Dns;
        throw new RuleException(node.Start,
            $"unsupported logsource (category: {category ?? "-"}, service: {service ?? "-"}, product: {product ?? "-"}): FlowRelay evaluates {{category: network, service: connection}} (flows) and {{category: network, service: dns}} (DNS queries), without a product");
    }

    private static DetectionRule ParseDetection(YamlMappingNode map, string file, string fallbackId, ListStore lists)
    {
        YamlNodes.CheckKeys(map, DetectionKeys, "a detection rule");
        var info = ParseInfo(map, file, fallbackId);
        var detection = YamlNodes.Map(YamlNodes.Get(map, "detection")!, "detection");
        return CheckLogsource(map) == Source.Dns ? Detection<DnsEvent>(map, info, detection, lists) : Detection<FlowEvent>(map, info, detection, lists);
    }

    private static DetectionRule<T> Detection<T>(YamlMappingNode map, RuleInfo info, YamlMappingNode detection, ListStore lists) where T : struct, IRuleEvent<T>
    {
        CheckHost<T>(map, info);
        return new DetectionRule<T>(info, new DetectionCompiler<T>(T.Fields, lists).Compile(detection));
    }

    // flowrelay.host must be an address field of the rule's own event type.
    private static void CheckHost<T>(YamlMappingNode map, RuleInfo info) where T : struct, IRuleEvent<T>
    {
        if (info.HostField is not { } host || (T.Fields.TryGet(host, out var acc) && acc.Kind == FieldKind.Ip)) return;
        var at = YamlNodes.Get(map, "flowrelay") is YamlMappingNode fr && YamlNodes.Get(fr, "host") is { } h ? h.Start : map.Start;
        throw new RuleException(at, $"flowrelay.host '{host}' is not an address field of {T.Fields.Category}/{T.Fields.Service} events");
    }

    private static SigmaFilter ParseFilter(YamlMappingNode map, string file, string fallbackId, ListStore lists)
    {
        YamlNodes.CheckKeys(map, FilterKeys, "a filter");
        var info = ParseInfo(map, file, fallbackId);
        var source = CheckLogsource(map);
        var filter = YamlNodes.Map(YamlNodes.Get(map, "filter")!, "filter");
        var rulesNode = YamlNodes.Get(filter, "rules") ?? throw new RuleException(filter.Start, "filter needs 'rules' (the ids or names of the rules it applies to)");
        var rules = YamlNodes.TextList(rulesNode, "filter.rules");
        return source == Source.Dns
            ? new SigmaFilter<DnsEvent>(info, rules, new DetectionCompiler<DnsEvent>(DnsEventFields.Table, lists).Compile(filter, "rules"), map.Start)
            : new SigmaFilter<FlowEvent>(info, rules, new DetectionCompiler<FlowEvent>(FlowEventFields.Table, lists).Compile(filter, "rules"), map.Start);
    }

    private static CorrelationRule ParseCorrelation(YamlMappingNode map, string file, string fallbackId)
    {
        YamlNodes.CheckKeys(map, CorrelationKeys, "a correlation rule");
        var info = ParseInfo(map, file, fallbackId);
        var c = YamlNodes.Map(YamlNodes.Get(map, "correlation")!, "correlation");
        YamlNodes.CheckKeys(c, ["type", "rules", "aliases", "group-by", "timespan", "condition", "generate"], "correlation");
        var typeNode = YamlNodes.Get(c, "type") ?? throw new RuleException(c.Start, "missing correlation 'type'");
        var typeText = YamlNodes.Text(typeNode, "correlation.type");
        var type = typeText switch
        {
            "event_count" => CorrelationType.EventCount,
            "value_count" => CorrelationType.ValueCount,
            "value_sum" => CorrelationType.ValueSum,
            "value_avg" => CorrelationType.ValueAvg,
            "temporal" => CorrelationType.Temporal,
            "temporal_ordered" => CorrelationType.TemporalOrdered,
            "value_percentile" =>
                throw new RuleException(typeNode.Start, "correlation type 'value_percentile' is not evaluated by FlowRelay (a streaming percentile per group needs a sketch; use value_avg or value_sum)"),
            _ => throw new RuleException(typeNode.Start, $"unknown correlation type '{typeText}'"),
        };
        var rules = YamlNodes.TextList(YamlNodes.Get(c, "rules") ?? throw new RuleException(c.Start, "missing correlation 'rules'"), "correlation.rules");
        var groupBy = YamlNodes.Get(c, "group-by") is { } g ? YamlNodes.TextList(g, "group-by") : throw new RuleException(c.Start, $"{typeText} needs 'group-by'");
        if (groupBy.Count > GroupKey.MaxParts) throw new RuleException(YamlNodes.Get(c, "group-by")!.Start, $"at most {GroupKey.MaxParts} group-by fields");
        var timespan = YamlNodes.Timespan(YamlNodes.Get(c, "timespan") ?? throw new RuleException(c.Start, "missing correlation 'timespan'"), "timespan");
        bool temporal = type is CorrelationType.Temporal or CorrelationType.TemporalOrdered;
        var condNode = YamlNodes.Get(c, "condition");
        CorrelationCondition condition;
        string? valueField = null;
        if (condNode is null)
        {
            // temporal: without a condition every referenced rule must match (correlation spec, "Temporal Proximity").
            if (!temporal) throw new RuleException(c.Start, $"{typeText} needs a 'condition'");
            condition = new CorrelationCondition { Gte = rules.Count };
        }
        else
        {
            var cond = YamlNodes.Map(condNode, "condition");
            YamlNodes.CheckKeys(cond, ["gt", "gte", "lt", "lte", "eq", "neq", "field"], "condition");
            long? Num(string k) => YamlNodes.Get(cond, k) is { } n ? YamlNodes.Integer(n, $"condition.{k}") : null;
            condition = new CorrelationCondition { Gt = Num("gt"), Gte = Num("gte"), Lt = Num("lt"), Lte = Num("lte"), Eq = Num("eq"), Neq = Num("neq") };
            if (condition.ToString().Length == 0) throw new RuleException(cond.Start, "condition needs one of gt, gte, lt, lte, eq, neq");
            var fieldNode = YamlNodes.Get(cond, "field");
            valueField = fieldNode is null ? null : YamlNodes.Text(fieldNode, "condition.field");
            if (temporal && valueField is not null) throw new RuleException(fieldNode!.Start, $"{typeText} takes no condition.field");
            if (type == CorrelationType.EventCount && valueField is not null) throw new RuleException(fieldNode!.Start, "event_count takes no condition.field");
            if (!temporal && type != CorrelationType.EventCount && valueField is null) throw new RuleException(cond.Start, $"{typeText} needs condition.field");
        }
        var aliases = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        if (YamlNodes.Get(c, "aliases") is { } al)
        {
            foreach (var (k, v) in YamlNodes.Map(al, "aliases").Children)
            {
                var perRule = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (rk, rv) in YamlNodes.Map(v, "an alias").Children) perRule[YamlNodes.Text(rk, "a rule name")] = YamlNodes.Text(rv, "a field name");
                aliases[YamlNodes.Text(k, "an alias name")] = perRule;
            }
        }
        var generateNode = YamlNodes.Get(map, "generate") ?? YamlNodes.Get(c, "generate");
        bool generate = generateNode is YamlScalarNode { Value: "true" };
        return new CorrelationRule
        {
            Info = info, Type = type, Rules = rules, GroupBy = groupBy, Timespan = timespan, Condition = condition,
            ValueField = valueField, Aliases = aliases, Generate = generate,
        };
    }
}
