using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using FlowRelay.Engine.Rules.Detection;
using FlowRelay.Engine.Rules.Fields;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>
/// Compiles a Sigma <c>detection</c> (or a filter's selections and condition) into one
/// <see cref="Matcher{T}"/>, binding every field name to the event type's
/// <see cref="FieldTable{T}"/>. Every refusal names the YAML node it comes from.
/// </summary>
internal sealed class DetectionCompiler<T>(FieldTable<T> fields, ListStore lists) where T : struct
{
    // Sigma 2.1 modifiers appendix: those FlowRelay evaluates...
    private static readonly HashSet<string> Supported =
        ["contains", "startswith", "endswith", "all", "re", "i", "m", "s", "cidr", "lt", "lte", "gt", "gte", "exists", "cased", "neq", "expand", "fieldref"];

    // ...and those it knows but cannot apply to flow fields (encodings and Windows command lines, dates).
    private static readonly HashSet<string> Unsupported =
        ["base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash", "minute", "hour", "day", "week", "month", "year"];

    /// <summary>Compiles the search identifiers of <paramref name="detection"/> (skipping <paramref name="skipKeys"/>) and its condition.</summary>
    public Matcher<T> Compile(YamlMappingNode detection, params string[] skipKeys)
    {
        var searches = new Dictionary<string, Matcher<T>>(StringComparer.Ordinal);
        YamlNode? condition = null;
        foreach (var (k, v) in detection.Children)
        {
            var name = YamlNodes.Text(k, "a search identifier");
            if (name == "condition")
            {
                condition = v;
                continue;
            }
            if (skipKeys.Contains(name)) continue;
            if (name == "timeframe") throw new RuleException(k.Start, "'timeframe' is not supported: use a correlation rule with 'timespan'");
            searches[name] = CompileSearch(v);
        }
        if (condition is null) throw new RuleException(detection.Start, "missing 'condition'");
        if (searches.Count == 0) throw new RuleException(detection.Start, "no search identifiers (selections) defined");
        var conditions = YamlNodes.TextList(condition, "condition");
        var parts = conditions.Select(c => ConditionParser<T>.Parse(c, searches, condition.Start)).ToArray();
        return parts.Length == 1 ? parts[0] : new OrMatcher<T>(parts);
    }

    private Matcher<T> CompileSearch(YamlNode node)
    {
        if (node is YamlMappingNode map) return CompileMap(map);
        if (node is YamlSequenceNode seq && seq.Children.Count > 0 && seq.Children.All(c => c is YamlMappingNode))
            return new OrMatcher<T>(seq.Children.Select(c => CompileMap((YamlMappingNode)c)).ToArray());
        throw new RuleException(node.Start, "keyword searches (a plain list of values) are not supported on network events: name the field, e.g. 'destination.ip: ...'");
    }

    private Matcher<T> CompileMap(YamlMappingNode map)
    {
        if (map.Children.Count == 0) throw new RuleException(map.Start, "empty selection");
        var parts = map.Children.Select(kv => CompileField(kv.Key, kv.Value)).ToArray();
        return parts.Length == 1 ? parts[0] : new AndMatcher<T>(parts);
    }

    private Matcher<T> CompileField(YamlNode keyNode, YamlNode valueNode)
    {
        var key = YamlNodes.Text(keyNode, "a field name");
        var pieces = key.Split('|');
        var name = pieces[0];
        if (!fields.TryGet(name, out var field))
            throw new RuleException(keyNode.Start, $"unknown field '{name}' for logsource {fields.Category}/{fields.Service} (known: {string.Join(", ", fields.Names)})");
        var mods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in pieces.Skip(1))
        {
            if (Unsupported.Contains(m)) throw new RuleException(keyNode.Start, $"modifier '{m}' is not supported by FlowRelay on {fields.Category}/{fields.Service} events");
            if (!Supported.Contains(m)) throw new RuleException(keyNode.Start, $"unknown modifier '{m}' (supported: {string.Join(", ", Supported)})");
            if (!mods.Add(m)) throw new RuleException(keyNode.Start, $"modifier '{m}' given twice");
        }
        var values = Values(valueNode, mods.Contains("expand"));
        bool all = mods.Contains("all");
        if (all && values.Count < 2) throw new RuleException(valueNode.Start, "'all' needs a list of at least two values (Sigma modifiers appendix)");
        var m2 = Build(field, mods, values, all, valueNode.Start);
        return mods.Contains("neq") ? new NotMatcher<T>(m2) : m2;
    }

    private Matcher<T> Build(FieldAccessor<T> field, HashSet<string> mods, List<string?> values, bool all, Mark at)
    {
        bool Has(string m) => mods.Contains(m);
        int stringMods = (Has("contains") ? 1 : 0) + (Has("startswith") ? 1 : 0) + (Has("endswith") ? 1 : 0);
        string[] numeric = ["lt", "lte", "gt", "gte"];
        int numMods = numeric.Count(Has);
        int families = (stringMods > 0 ? 1 : 0) + numMods + (Has("re") ? 1 : 0) + (Has("cidr") ? 1 : 0) + (Has("exists") ? 1 : 0) + (Has("fieldref") ? 1 : 0);
        if (stringMods > 1 || families > 1) throw new RuleException(at, $"modifiers {string.Join("|", mods)} cannot be combined");
        if ((Has("i") || Has("m") || Has("s")) && !Has("re")) throw new RuleException(at, "modifiers i, m and s apply only with 're'");

        if (Has("exists"))
        {
            if (values.Count != 1 || values[0] is not ("true" or "false")) throw new RuleException(at, "'exists' takes true or false");
            return new ExistsMatcher<T>(field, values[0] == "true");
        }
        if (values.Any(v => v is null))
        {
            if (values.Count == 1 && mods.Count == 0 || mods.SetEquals(["neq"])) return new ExistsMatcher<T>(field, false);
            throw new RuleException(at, "null can only stand alone as a field's value");
        }
        var texts = values.Select(v => v!).ToList();
        if (Has("fieldref"))
        {
            var others = texts.Select(t => fields.TryGet(t, out var o) ? o : throw new RuleException(at, $"fieldref names unknown field '{t}'")).ToArray();
            return new FieldRefMatcher<T>(field, others, all);
        }
        if (Has("re"))
        {
            var options = RegexOptions.CultureInvariant | RegexOptions.NonBacktracking;
            if (Has("i")) options |= RegexOptions.IgnoreCase;
            if (Has("m")) options |= RegexOptions.Multiline;
            if (Has("s")) options |= RegexOptions.Singleline;
            var regexes = new Regex[texts.Count];
            for (int i = 0; i < texts.Count; i++)
            {
                try
                {
                    regexes[i] = new Regex(texts[i], options);
                }
                catch (Exception e) when (e is ArgumentException or NotSupportedException)
                {
                    throw new RuleException(at, $"bad regular expression '{texts[i]}': {e.Message}");
                }
            }
            return new RegexMatcher<T>(field, regexes, all);
        }
        if (Has("cidr"))
        {
            if (field.Kind != FieldKind.Ip) throw new RuleException(at, $"'cidr' needs an address field; '{field.Name}' is {field.Kind.ToString().ToLowerInvariant()}");
            return new IpMatcher<T>(field.Ip!, texts.Select(t => Cidr(t, at)).ToArray(), all);
        }
        if (numMods == 1)
        {
            if (field.Kind != FieldKind.Number) throw new RuleException(at, $"'{numeric.First(Has)}' needs a numeric field; '{field.Name}' is {field.Kind.ToString().ToLowerInvariant()}");
            var op = Has("lt") ? NumberOp.Lt : Has("lte") ? NumberOp.Lte : Has("gt") ? NumberOp.Gt : NumberOp.Gte;
            return new NumberMatcher<T>(field.Number!, op, texts.Select(t => Number(t, field, at)).ToArray(), all);
        }
        bool cased = Has("cased");
        if (stringMods == 0 && !texts.Any(HasWildcard))
        {
            if (field.Kind == FieldKind.Ip) return new IpMatcher<T>(field.Ip!, texts.Select(t => IPAddress.TryParse(t, out _) ? Cidr(t, at) : throw new RuleException(at, $"'{t}' is not an IP address (use 'cidr' for ranges, wildcards for text)")).ToArray(), all);
            if (field.Kind == FieldKind.Number) return new NumberMatcher<T>(field.Number!, NumberOp.Eq, texts.Select(t => Number(t, field, at)).ToArray(), all);
        }
        var patterns = texts.Select(t => TextPattern.Compile(Has("contains") ? $"*{t}*" : Has("startswith") ? $"{t}*" : Has("endswith") ? $"*{t}" : t, cased)).ToArray();
        if (field.Choice is not null) return ChoiceMatcher<T>.Compile(field, patterns, all, cased);
        return new TextMatcher<T>(field, patterns, all, cased);
    }

    private static bool HasWildcard(string t)
    {
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] == '\\') i++;
            else if (t[i] is '*' or '?') return true;
        }
        return false;
    }

    private static CidrRange Cidr(string text, Mark at) =>
        CidrRange.TryParse(text, out var r, out var error) ? r : throw new RuleException(at, error!);

    private static long Number(string text, FieldAccessor<T> field, Mark at) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v) ? v
            : throw new RuleException(at, $"'{field.Name}' is numeric; '{text}' is not an integer");

    /// <summary>The value(s) as text (null for YAML null), with %placeholders% expanded when asked.</summary>
    private List<string?> Values(YamlNode node, bool expand)
    {
        var raw = new List<(string? Text, Mark At)>();
        if (node is YamlSequenceNode seq)
        {
            if (seq.Children.Count == 0) throw new RuleException(node.Start, "empty list of values");
            foreach (var c in seq.Children) raw.Add((Scalar(c), c.Start));
        }
        else raw.Add((Scalar(node), node.Start));
        var result = new List<string?>();
        foreach (var (text, at) in raw)
        {
            if (text is null || !expand)
            {
                result.Add(text);
                continue;
            }
            var matches = ListStore.Placeholder().Matches(text);
            if (matches.Count == 0) throw new RuleException(at, $"'expand' value '{text}' has no %placeholder%");
            var expanded = new List<string> { text };
            foreach (Match m in matches)
            {
                if (!lists.TryGet(m.Groups[1].Value, out var items))
                    throw new RuleException(at, $"no list '{m.Groups[1].Value}' for placeholder {m.Value} (expected rules/lists/{m.Groups[1].Value}.txt)");
                if (items.Length == 0) throw new RuleException(at, $"list '{m.Groups[1].Value}' is empty");
                expanded = expanded.SelectMany(e => items.Select(i => e.Replace(m.Value, i, StringComparison.Ordinal))).ToList();
            }
            result.AddRange(expanded);
        }
        return result;
    }

    private static string? Scalar(YamlNode node)
    {
        if (node is not YamlScalarNode s) throw new RuleException(node.Start, "a value must be a scalar or a list of scalars");
        return YamlNodes.IsNull(s) ? null : s.Value;
    }
}
