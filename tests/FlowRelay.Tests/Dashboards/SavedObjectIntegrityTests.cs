using Xunit;
using System.Text.Json.Nodes;
using Snapshooter.Xunit;

namespace FlowRelay.Tests.Dashboards;

/// <summary>
/// The saved objects import as a whole: every reference resolves inside the files, ids are stable
/// (snapshot), the JSON Kibana stores as strings parses, and the migration versions are those of
/// the one Kibana export format the README names.
/// </summary>
public class SavedObjectIntegrityTests
{
    // Kibana 8.14's export format (see dashboards/README.md for how these were verified).
    private static readonly Dictionary<string, string> TypeMigrationVersions = new()
    {
        ["index-pattern"] = "8.0.0",
        ["lens"] = "8.9.0",
        ["dashboard"] = "10.2.0",
    };

    [Fact]
    public void Ids_are_stable()
    {
        Snapshot.Match(SavedObjects.All.Select(o => $"{o["type"]} {o["id"]}").ToList());
    }

    [Fact]
    public void Ids_are_unique_and_every_line_is_one_object()
    {
        Assert.NotEmpty(SavedObjects.Files);
        var keys = SavedObjects.All.Select(o => $"{o["type"]}/{o["id"]}").ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(SavedObjects.All, o => Assert.StartsWith("flowrelay-", SavedObjects.Id(o)));
    }

    [Fact]
    public void Migration_versions_are_consistent()
    {
        foreach (var o in SavedObjects.All)
        {
            string type = (string)o["type"]!;
            Assert.True(TypeMigrationVersions.ContainsKey(type), $"{SavedObjects.Id(o)}: unexpected type {type}");
            Assert.Equal("8.8.0", (string?)o["coreMigrationVersion"]);
            Assert.Equal(TypeMigrationVersions[type], (string?)o["typeMigrationVersion"]);
            Assert.False((bool)o["managed"]!);
        }
        var panelVersions = SavedObjects.OfType("dashboard")
            .SelectMany(d => ((JsonArray)SavedObjects.ParseEmbedded(d, "panelsJSON")).Select(p => (string)p!["version"]!)).Distinct().ToList();
        Assert.Equal(["8.14.0"], panelVersions);
    }

    [Fact]
    public void Embedded_json_parses()
    {
        foreach (var d in SavedObjects.OfType("dashboard"))
        {
            Assert.IsType<JsonArray>(SavedObjects.ParseEmbedded(d, "panelsJSON"));
            Assert.IsType<JsonObject>(SavedObjects.ParseEmbedded(d, "optionsJSON"));
            var search = SavedObjects.ParseEmbedded(d, "searchSourceJSON");
            Assert.Equal("kuery", (string?)search["query"]?["language"]);
        }
        foreach (var v in SavedObjects.OfType("index-pattern"))
        {
            foreach (string a in new[] { "fieldAttrs", "fieldFormatMap", "fields", "runtimeFieldMap", "sourceFilters", "typeMeta" })
                Assert.NotNull(SavedObjects.ParseEmbedded(v, a));
        }
        foreach (var l in SavedObjects.OfType("lens"))
        {
            // Lens keeps its state as an object; its visualisation must name only columns that exist.
            var state = (JsonObject)SavedObjects.Attributes(l)["state"]!;
            var columns = SavedObjects.Columns(l).Select(c => c.ColumnId).ToHashSet();
            foreach (var (_, _, column) in SavedObjects.Columns(l))
            {
                if (column["params"]?["orderBy"]?["columnId"] is JsonValue order) Assert.Contains((string)order!, columns);
            }
            string vis = state["visualization"]!.ToJsonString();
            foreach (System.Text.RegularExpressions.Match named in System.Text.RegularExpressions.Regex.Matches(vis, "\"(?:accessors|xAccessor|splitAccessor|columnId|metricAccessor)\":(\\[[^\\]]*\\]|\"[^\"]*\")"))
            {
                foreach (var id in System.Text.RegularExpressions.Regex.Matches(named.Groups[1].Value, "\"([^\"]+)\"").Select(m => m.Groups[1].Value))
                    Assert.True(columns.Contains(id), $"{SavedObjects.Id(l)}: visualization names column {id}, which the layer does not have");
            }
        }
    }

    [Fact]
    public void Every_reference_resolves()
    {
        var present = SavedObjects.All.Select(o => $"{o["type"]}/{o["id"]}").ToHashSet();
        foreach (var o in SavedObjects.All)
        {
            foreach (var r in (JsonArray)o["references"]!)
                Assert.True(present.Contains($"{r!["type"]}/{r["id"]}"), $"{SavedObjects.Id(o)} references {r["type"]} {r["id"]}, which no file holds");
        }
        foreach (var l in SavedObjects.OfType("lens"))
        {
            foreach (var layer in SavedObjects.Columns(l).Select(c => c.Layer).Distinct())
                Assert.NotNull(SavedObjects.LayerDataView(l, layer));
        }
        foreach (var d in SavedObjects.OfType("dashboard"))
        {
            var refs = ((JsonArray)d["references"]!).Select(r => (string)r!["name"]!).ToHashSet();
            var panels = (JsonArray)SavedObjects.ParseEmbedded(d, "panelsJSON");
            Assert.NotEmpty(panels);
            foreach (var p in panels)
            {
                string index = (string)p!["panelIndex"]!;
                Assert.Equal(index, (string?)p["gridData"]!["i"]);
                Assert.Contains($"{index}:{p["panelRefName"]}", refs);
            }
            Assert.Equal(panels.Count, refs.Count);
        }
    }

    [Fact]
    public void The_dashboards_the_issue_asks_for_are_there()
    {
        var ids = SavedObjects.OfType("dashboard").Select(SavedObjects.Id).Order().ToList();
        Assert.Equal(["flowrelay-dns-dashboard", "flowrelay-exfiltration-dashboard", "flowrelay-threat-index-dashboard", "flowrelay-traffic-dashboard"], ids);
    }
}
