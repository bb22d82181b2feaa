using System.Globalization;
using System.Text.Json;
using FlowRelay.Engine.Risk;

namespace FlowRelay.Engine.Alerts;

/// <summary>
/// Writes alerts and threat-index changes as ECS documents:
/// <list type="bullet">
/// <item>alerts: <c>event.kind: alert</c>, <c>event.severity</c> 1–5 from the Sigma level
/// (informational 1, low 2, medium 3, high 4, critical 5 — ECS leaves the scale to the source;
/// this one keeps Sigma's order), <c>event.risk_score</c> the rule's points, <c>rule.*</c> from
/// the Sigma attributes, the group key's fields at their ECS paths (e.g. <c>source.ip</c>), and
/// the figures under <c>flowrelay.alert.*</c> (value, threshold, condition, timespan, event_count,
/// sample of community IDs);</item>
/// <item>threat index: <c>event.kind: metric</c>, <c>host.ip</c> and <c>host.risk.calculated_score</c>,
/// <c>calculated_score_norm</c> (0–100) and <c>calculated_level</c>, as Elastic entity risk scoring names them.</item>
/// </list>
/// </summary>
public static class AlertDocumentWriter
{
    /// <summary>Writes one alert document.</summary>
    public static void Write(Utf8JsonWriter w, Alert a, DateTimeOffset created)
    {
        var r = a.Rule;
        w.WriteStartObject();
        w.WriteString("@timestamp", Time(a.TimeNs));
        w.WriteString("message", a.Message);
        w.WriteStartObject("event");
        w.WriteString("kind", "alert");
        w.WriteStartArray("category");
        w.WriteStringValue(a.Kind == "threat_index" ? "threat" : "network");
        w.WriteEndArray();
        w.WriteStartArray("type");
        w.WriteStringValue("indicator");
        w.WriteEndArray();
        w.WriteNumber("severity", r.Severity);
        if (r.RiskPoints > 0) w.WriteNumber("risk_score", r.RiskPoints);
        w.WriteString("dataset", "flowrelay.alert");
        w.WriteString("module", "flowrelay");
        w.WriteString("created", created);
        if (a.WindowStartNs is { } start) w.WriteString("start", Time(Math.Min(start, a.TimeNs)));
        w.WriteString("end", Time(a.TimeNs));
        w.WriteEndObject();

        w.WriteStartObject("rule");
        w.WriteString("id", r.Id);
        if (Guid.TryParse(r.Id, out _)) w.WriteString("uuid", r.Id);
        w.WriteString("name", r.Title);
        if (r.Description is { } d) w.WriteString("description", d.Trim());
        w.WriteString("ruleset", "flowrelay");
        w.WriteString("category", a.Kind);
        if (r.References.Count > 0) w.WriteString("reference", r.References[0]);
        if (r.Author is { } author)
        {
            w.WriteStartArray("author");
            foreach (var x in author.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) w.WriteStringValue(x);
            w.WriteEndArray();
        }
        if (r.License is { } lic) w.WriteString("license", lic);
        w.WriteEndObject();

        if (r.Tags.Count > 0)
        {
            w.WriteStartArray("tags");
            foreach (var t in r.Tags) w.WriteStringValue(t);
            w.WriteEndArray();
        }

        // Group key (and host) fields at their ECS paths, nested.
        var fields = a.Fields.Select(f => (f.Key, (object)f.Value)).ToList();
        if (a.Host is { } host && !a.Fields.Any(f => f.Key == "host.ip")) fields.Add(("host.ip", host));
        var alert = new List<(string, object)>
        {
            ("flowrelay.alert.type", a.Kind),
            ("flowrelay.alert.level", r.Level),
            ("flowrelay.alert.event_count", a.EventCount),
            ("flowrelay.alert.rule_file", r.File),
        };
        if (r.Name is { } name) alert.Add(("flowrelay.alert.rule_name", name));
        if (a.Value is { } v) alert.Add(("flowrelay.alert.value", v));
        if (a.Threshold is { } th) alert.Add(("flowrelay.alert.threshold", th));
        if (a.Condition is { } c) alert.Add(("flowrelay.alert.condition", c));
        if (a.Timespan is { } ts) alert.Add(("flowrelay.alert.timespan", (long)ts.TotalSeconds));
        if (a.Sample.Count > 0) alert.Add(("flowrelay.alert.sample." + a.SampleKind, a.Sample));
        if (a.RiskScore is { } rs) alert.Add(("host.risk.calculated_score", Math.Round(rs, 2)));
        WriteNested(w, fields.Concat(alert).ToList());
        w.WriteEndObject();
    }

    /// <summary>Writes one threat-index document.</summary>
    public static void WriteRisk(Utf8JsonWriter w, HostRisk risk, DateTimeOffset created)
    {
        w.WriteStartObject();
        w.WriteString("@timestamp", Time(risk.TimeNs));
        w.WriteStartObject("event");
        w.WriteString("kind", "metric");
        w.WriteString("dataset", "flowrelay.risk");
        w.WriteString("module", "flowrelay");
        w.WriteString("created", created);
        w.WriteEndObject();
        WriteNested(w,
        [
            ("host.ip", risk.Host),
            ("host.risk.calculated_score", Math.Round(risk.Score, 2)),
            ("host.risk.calculated_score_norm", Math.Round(Math.Min(100, risk.Score), 2)),
            ("host.risk.calculated_level", LevelName(risk.Level)),
            ("rule.id", risk.RuleId),
        ]);
        w.WriteEndObject();
    }

    /// <summary>Level names as Elastic entity risk scoring writes them.</summary>
    public static string LevelName(RiskLevel level) => level.ToString();

    private static DateTimeOffset Time(long unixNs) => DateTimeOffset.UnixEpoch.AddTicks(unixNs / 100);

    // Writes dotted paths as nested objects: ("source.ip", x), ("source.port", y) → "source": {"ip": x, "port": y}.
    private static void WriteNested(Utf8JsonWriter w, List<(string Path, object Value)> fields)
    {
        foreach (var group in fields.GroupBy(f => f.Path.Split('.')[0]))
        {
            var items = group.ToList();
            if (items.Count == 1 && !items[0].Path.Contains('.'))
            {
                w.WritePropertyName(items[0].Path);
                WriteValue(w, items[0].Path, items[0].Value);
                continue;
            }
            w.WriteStartObject(group.Key);
            WriteNested(w, items.Select(i => (i.Path[(group.Key.Length + 1)..], i.Value)).ToList());
            w.WriteEndObject();
        }
    }

    private static void WriteValue(Utf8JsonWriter w, string name, object value)
    {
        switch (value)
        {
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case double d: w.WriteNumberValue(d); break;
            case IEnumerable<string> list when value is not string:
                w.WriteStartArray();
                foreach (var s in list) w.WriteStringValue(s);
                w.WriteEndArray();
                break;
            case string s when name != "ip" && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && s == n.ToString(CultureInfo.InvariantCulture):
                // Numeric key fields (ports, AS numbers, byte counts) stay numbers, as ECS maps them.
                w.WriteNumberValue(n);
                break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }
}
