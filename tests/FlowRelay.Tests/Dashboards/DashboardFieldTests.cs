using Xunit;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FlowRelay.Tests.Dashboards;

/// <summary>
/// No panel can be empty because of a misspelled or unmapped field: every field a Lens column,
/// filter or query names exists in the mapping the relay installs for that panel's data view,
/// with a type the operation can use, and is written by the relay's document writers; every
/// value a query matches on is one the relay writes (directions) or a bundled rule's name.
/// </summary>
public class DashboardFieldTests
{
    private static readonly HashSet<string> Numeric = ["long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"];
    private static readonly HashSet<string> NotAggregatable = ["text", "match_only_text", "object", "nested", "flattened", "geo_point", "geo_shape"];

    private static readonly Regex KqlField = new(@"(?<field>[A-Za-z@_][\w.@]*)\s*:\s*(?<value>\((?:[^()""]|""[^""]*"")*\)|""[^""]*""|[^\s()]+)", RegexOptions.Compiled);

    public static TheoryData<string> LensIds() => new(SavedObjects.OfType("lens").Select(SavedObjects.Id));

    private static (string Pattern, Dictionary<string, string> Mapping, List<JsonElement> Docs) Target(JsonObject lens, string layer)
    {
        string viewId = SavedObjects.LayerDataView(lens, layer);
        var view = SavedObjects.OfType("index-pattern").Single(v => SavedObjects.Id(v) == viewId);
        string pattern = (string)SavedObjects.Attributes(view)["title"]!;
        Assert.True(GeneratedMappings.ByPattern.TryGetValue(pattern, out var mapping), $"data view {viewId} reads {pattern}, which the relay installs no template for");
        return (pattern, mapping!, GeneratedMappings.Documents[pattern]);
    }

    /// <summary>Which mapping types a Lens operation can work on.</summary>
    private static string? Problem(string operation, string dataType, string esType)
    {
        bool numeric = Numeric.Contains(esType);
        string expectedDataType = esType switch
        {
            "ip" => "ip",
            "date" or "date_nanos" => "date",
            "boolean" => "boolean",
            _ when numeric => "number",
            _ => "string",
        };
        bool ok = operation switch
        {
            "terms" => esType is "keyword" or "constant_keyword" or "ip" or "boolean" || numeric,
            "sum" or "average" or "median" or "standard_deviation" => numeric,
            "min" or "max" => numeric || esType is "date" or "date_nanos",
            "date_histogram" => esType is "date" or "date_nanos",
            "unique_count" or "last_value" or "count" => !NotAggregatable.Contains(esType),
            _ => false,
        };
        if (!ok) return $"operation {operation} cannot use a {esType} field";
        // A metric over a field is a number in Lens; a bucket or a last value keeps the field's own type.
        bool keepsFieldType = operation is "terms" or "last_value" or "date_histogram" || (operation is "min" or "max" && expectedDataType == "date");
        string want = keepsFieldType ? expectedDataType : "number";
        return dataType == want ? null : $"dataType is {dataType}, the {esType} field gives {want}";
    }

    [Theory]
    [MemberData(nameof(LensIds))]
    public void Every_column_reads_a_mapped_field_of_a_usable_type(string id)
    {
        var lens = SavedObjects.OfType("lens").Single(o => SavedObjects.Id(o) == id);
        var problems = new List<string>();
        foreach (var (layer, columnId, column) in SavedObjects.Columns(lens))
        {
            var (pattern, mapping, _) = Target(lens, layer);
            string op = (string)column["operationType"]!;
            string field = (string)column["sourceField"]!;
            if (op == "count" && field == "___records___") continue;
            if (!mapping.TryGetValue(field, out var esType))
            {
                problems.Add($"column {columnId}: field '{field}' is not in the {pattern} mapping");
                continue;
            }
            if (Problem(op, (string)column["dataType"]!, esType) is { } why) problems.Add($"column {columnId} ({field}): {why}");
            if (column["params"]?["sortField"] is JsonValue sort && !mapping.ContainsKey((string)sort!))
                problems.Add($"column {columnId}: sort field '{sort}' is not in the {pattern} mapping");
        }
        Assert.True(problems.Count == 0, $"{id}:\n" + string.Join("\n", problems));
    }

    [Theory]
    [MemberData(nameof(LensIds))]
    public void Every_query_and_filter_names_a_mapped_field(string id)
    {
        var lens = SavedObjects.OfType("lens").Single(o => SavedObjects.Id(o) == id);
        string layer = SavedObjects.Columns(lens).First().Layer;
        var (pattern, mapping, _) = Target(lens, layer);
        var fields = SavedObjects.Queries(lens).SelectMany(q => KqlField.Matches(q).Select(m => m.Groups["field"].Value))
            .Concat(SavedObjects.FilterFields(lens)).ToList();
        var missing = fields.Where(f => !mapping.ContainsKey(f)).ToList();
        Assert.True(missing.Count == 0, $"{id}: fields not in the {pattern} mapping: {string.Join(", ", missing)}");
    }

    [Theory]
    [MemberData(nameof(LensIds))]
    public void Every_field_a_panel_uses_is_written_by_the_relay(string id)
    {
        var lens = SavedObjects.OfType("lens").Single(o => SavedObjects.Id(o) == id);
        string layer = SavedObjects.Columns(lens).First().Layer;
        var (pattern, _, docs) = Target(lens, layer);
        var fields = SavedObjects.Columns(lens).Select(c => (string)c.Column["sourceField"]!).Where(f => f != "___records___")
            .Concat(SavedObjects.Queries(lens).SelectMany(q => KqlField.Matches(q).Select(m => m.Groups["field"].Value)))
            .Distinct().ToList();
        var unwritten = fields.Where(f => !docs.Any(d => Values(d, f).Any())).ToList();
        Assert.True(unwritten.Count == 0, $"{id}: no {pattern} document the writers produce has {string.Join(", ", unwritten)}");
    }

    [Theory]
    [MemberData(nameof(LensIds))]
    public void Every_value_a_query_matches_is_one_the_relay_writes(string id)
    {
        var lens = SavedObjects.OfType("lens").Single(o => SavedObjects.Id(o) == id);
        string layer = SavedObjects.Columns(lens).First().Layer;
        var (pattern, _, docs) = Target(lens, layer);
        var problems = new List<string>();
        foreach (Match m in SavedObjects.Queries(lens).SelectMany(q => KqlField.Matches(q)))
        {
            string field = m.Groups["field"].Value;
            var wanted = Regex.Matches(m.Groups["value"].Value, "\"([^\"]*)\"").Select(v => v.Groups[1].Value).ToList();
            if (field == "flowrelay.alert.rule_name")
            {
                // Alerts carry the Sigma rule's name: it must be a bundled rule's.
                problems.AddRange(wanted.Where(w => !BundledRuleNames.Value.Contains(w)).Select(w => $"no bundled rule is named '{w}'"));
                continue;
            }
            var written = docs.SelectMany(d => Values(d, field)).ToHashSet();
            problems.AddRange(wanted.Where(w => !written.Contains(w)).Select(w => $"{field}: the writers never write '{w}' ({pattern} samples hold {string.Join(", ", written)})"));
        }
        Assert.True(problems.Count == 0, $"{id}:\n" + string.Join("\n", problems));
    }

    [Fact]
    public void Every_data_stream_has_a_data_view_and_every_data_view_a_template()
    {
        var titles = SavedObjects.OfType("index-pattern").Select(v => (string)SavedObjects.Attributes(v)["title"]!).Order().ToList();
        Assert.Equal(FlowRelay.Emit.Elasticsearch.DataStreams.Datasets.Select(FlowRelay.Emit.Elasticsearch.DataStreams.Pattern).Order(), titles);
        foreach (var t in titles) Assert.NotEmpty(GeneratedMappings.ByPattern[t]);
        foreach (var v in SavedObjects.OfType("index-pattern"))
            Assert.Equal("date", GeneratedMappings.ByPattern[(string)SavedObjects.Attributes(v)["title"]!][(string)SavedObjects.Attributes(v)["timeFieldName"]!]);
    }

    private static readonly Lazy<HashSet<string>> BundledRuleNames = new(() => Directory
        .GetFiles(Path.Combine(RepoRoot.Path, "rules"), "*.yml", SearchOption.AllDirectories)
        .SelectMany(File.ReadLines)
        .Select(l => Regex.Match(l, @"^name:\s*(\S+)\s*$"))
        .Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet());

    /// <summary>The leaf values at a dotted path (arrays flattened), as text.</summary>
    internal static IEnumerable<string> Values(JsonElement e, string path)
    {
        var current = new List<JsonElement> { e };
        foreach (string part in path.Split('.'))
        {
            var next = new List<JsonElement>();
            foreach (var c in current)
            {
                foreach (var item in c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().ToList() : [c])
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(part, out var v)) next.Add(v);
            }
            current = next;
        }
        foreach (var c in current)
        {
            foreach (var item in c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().ToList() : [c])
                if (item.ValueKind is not JsonValueKind.Null and not JsonValueKind.Object) yield return item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText();
        }
    }
}
