using System.Text;
using System.Text.Json;
using Prometheus;

namespace FlowRelay.Metrics;

/// <summary>
/// Turns the stats.json document into Prometheus metrics, so the endpoint has exactly the
/// counters stats.json has — including any a component adds later — without a second list to
/// keep in step. Naming: <c>flowrelay_</c> + the JSON path joined with "_"; counters end in
/// <c>_total</c>; arrays of objects become a label (listeners → listener, exporters → exporter,
/// valued by the item's address). Exporter label values are bounded: the first
/// <c>maxExporterLabels</c> seen keep their own, the rest are summed under "other".
/// </summary>
public sealed class StatsMetrics
{
    /// <summary>Leaf names that go up and down (sizes, depths, capacities); everything else is a counter.</summary>
    private static readonly string[] GaugeSuffixes =
        ["depth", "capacity", "known", "waiting", "entries", "stored", "size", "current", "active", "open", "in_use", "groups", "hosts", "pending", "seconds", "bytes_used"];

    private readonly CollectorRegistry _registry;
    private readonly MetricFactory _factory;
    private readonly int _maxExporterLabels;
    private readonly Dictionary<string, Collector> _collectors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _labelledExporters = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public StatsMetrics(CollectorRegistry registry, int maxExporterLabels)
    {
        _registry = registry;
        _factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _maxExporterLabels = maxExporterLabels;
    }

    /// <summary>The metric names created so far (for tests and docs).</summary>
    public IReadOnlyCollection<string> Names
    {
        get { lock (_gate) return _collectors.Keys.ToList(); }
    }

    /// <summary>True when the leaf <paramref name="name"/> is exported as a gauge.</summary>
    public static bool IsGauge(string name) => GaugeSuffixes.Any(s => name == s || name.EndsWith("_" + s, StringComparison.Ordinal));

    /// <summary>The Prometheus name of a stats.json leaf path such as <c>ingest.queue_depth</c> or <c>exporters[].records</c>.</summary>
    public static string MetricName(string jsonPath)
    {
        var sb = new StringBuilder("flowrelay_");
        foreach (char c in jsonPath.Replace("[]", "", StringComparison.Ordinal))
            sb.Append(char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '_');
        string name = sb.ToString();
        string leaf = jsonPath[(jsonPath.LastIndexOf('.') + 1)..];
        return IsGauge(leaf) ? name : name + "_total";
    }

    /// <summary>Updates every metric from a stats document (the root object stats.json holds).</summary>
    public void Update(JsonElement root)
    {
        lock (_gate)
        {
            var sums = new Dictionary<(string Path, string Label, string Value), double>();
            Walk(root, "", null, sums);
            foreach (var ((path, label, value), v) in sums) Set(path, label, value, v);
        }
    }

    private void Walk(JsonElement e, string path, (string Label, string Value)? item, Dictionary<(string, string, string), double> sums)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, item, sums);
                break;
            case JsonValueKind.Array:
                if (item is not null) break; // no arrays inside array items today; keep the label set flat
                string label = Singular(path[(path.LastIndexOf('.') + 1)..]);
                int index = 0;
                foreach (var element in e.EnumerateArray())
                {
                    if (element.ValueKind == JsonValueKind.Object)
                        Walk(element, path + "[]", (label, LabelValue(label, element, index)), sums);
                    index++;
                }
                break;
            case JsonValueKind.Number:
                double v = e.GetDouble();
                var key = (path, item?.Label ?? "", item?.Value ?? "");
                sums[key] = sums.GetValueOrDefault(key) + v; // "other" sums several exporters
                break;
        }
    }

    private string LabelValue(string label, JsonElement element, int index)
    {
        string value = element.TryGetProperty("address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()!
            : element.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!
            : index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (label != "exporter") return value;
        // Exporters are user-controlled in number (any host can send): bound the label values.
        if (_labelledExporters.Contains(value)) return value;
        if (_labelledExporters.Count < _maxExporterLabels)
        {
            _labelledExporters.Add(value);
            return value;
        }
        return "other";
    }

    private static string Singular(string name) => name.EndsWith('s') ? name[..^1] : name;

    private void Set(string path, string label, string labelValue, double value)
    {
        string name = MetricName(path);
        if (!_collectors.TryGetValue(name, out var collector))
        {
            string help = $"stats.json {path}";
            string[] labels = label.Length == 0 ? [] : [label];
            collector = name.EndsWith("_total", StringComparison.Ordinal)
                ? _factory.CreateCounter(name, help, labels)
                : _factory.CreateGauge(name, help, labels);
            _collectors[name] = collector;
        }
        switch (collector)
        {
            case Counter c:
                // IncTo never goes down: a counter that restarts (an evicted exporter that comes back) keeps its high-water mark.
                if (label.Length == 0) c.IncTo(value);
                else c.WithLabels(labelValue).IncTo(value);
                break;
            case Gauge g:
                if (label.Length == 0) g.Set(value);
                else g.WithLabels(labelValue).Set(value);
                break;
        }
    }
}
