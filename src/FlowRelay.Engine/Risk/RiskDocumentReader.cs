using System.Text.Json;

namespace FlowRelay.Engine.Risk;

/// <summary>
/// Reads the threat index back from the <c>host.risk.*</c> documents the relay wrote
/// (<c>event.dataset: flowrelay.risk</c> lines of <c>alerts-*.ndjson</c>): the latest score of
/// each host, decayed to the newest document's event time (the index's own "now"), with its level.
/// </summary>
public static class RiskDocumentReader
{
    /// <summary>The current scores, highest first. Unreadable lines and other documents are skipped.</summary>
    public static IReadOnlyList<HostRisk> ReadCurrent(IEnumerable<string> lines, ThreatIndexOptions options)
    {
        var latest = new Dictionary<string, HostRisk>(StringComparer.Ordinal);
        long newest = long.MinValue;
        foreach (var line in lines)
        {
            if (!TryRead(line, out var risk)) continue;
            newest = Math.Max(newest, risk.TimeNs);
            if (!latest.TryGetValue(risk.Host, out var seen) || risk.TimeNs >= seen.TimeNs) latest[risk.Host] = risk;
        }
        return latest.Values
            .Select(r =>
            {
                double halfLives = (newest - r.TimeNs) / (double)(options.HalfLife.Ticks * 100);
                double score = r.Score * Math.Pow(2, -halfLives);
                return r with { Score = score, Level = options.LevelOf(score) };
            })
            .OrderByDescending(r => r.Score).ThenBy(r => r.Host, StringComparer.Ordinal).ToList();
    }

    /// <summary>One <c>flowrelay.risk</c> document as written by <see cref="Alerts.AlertDocumentWriter.WriteRisk"/>.</summary>
    public static bool TryRead(string line, out HostRisk risk)
    {
        risk = null!;
        // Cheap test first: alert and flow lines are far more common than risk lines.
        if (string.IsNullOrWhiteSpace(line) || !line.Contains("\"flowrelay.risk\"", StringComparison.Ordinal)) return false;
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (!root.TryGetProperty("event", out var ev) || !ev.TryGetProperty("dataset", out var ds) || ds.GetString() != "flowrelay.risk") return false;
            if (!root.TryGetProperty("host", out var host) || !host.TryGetProperty("ip", out var ip) || ip.GetString() is not { Length: > 0 } address) return false;
            if (!host.TryGetProperty("risk", out var r) || !r.TryGetProperty("calculated_score", out var score) || !score.TryGetDouble(out double s)) return false;
            if (!root.TryGetProperty("@timestamp", out var ts) || !ts.TryGetDateTimeOffset(out var time)) return false;
            string rule = root.TryGetProperty("rule", out var ru) && ru.TryGetProperty("id", out var id) ? id.GetString() ?? "" : "";
            risk = new HostRisk(address, s, RiskLevel.Unknown, (time - DateTimeOffset.UnixEpoch).Ticks * 100, rule);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
