using System.Text;
using System.Text.Json;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Risk;

namespace FlowRelay.Engine.Tests.Risk;

public class RiskDocumentReaderTests
{
    private static readonly long T0 = DateTimeOffset.Parse("2026-11-28T10:00:00Z").ToUnixTimeMilliseconds() * 1_000_000;
    private const long Hour = 3_600_000_000_000;

    private static string Doc(HostRisk r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) AlertDocumentWriter.WriteRisk(w, r, DateTimeOffset.UnixEpoch);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    [Fact]
    public void The_latest_document_per_host_wins_decayed_to_the_newest_time_highest_first()
    {
        var lines = new[]
        {
            Doc(new HostRisk("10.1.2.3", 20, RiskLevel.Low, T0, "r1")),
            "{\"event\":{\"kind\":\"alert\"}}",
            "not json",
            Doc(new HostRisk("10.1.2.3", 95, RiskLevel.Critical, T0 + Hour, "r2")),
            Doc(new HostRisk("10.9.9.9", 40, RiskLevel.Moderate, T0 - 23 * Hour, "r1")),
            Doc(new HostRisk("10.5.5.5", 30, RiskLevel.Low, T0 + Hour, "r1")),
        };
        var list = RiskDocumentReader.ReadCurrent(lines, new ThreatIndexOptions());
        Assert.Equal(["10.1.2.3", "10.5.5.5", "10.9.9.9"], list.Select(r => r.Host));
        Assert.Equal(95, list[0].Score, 6);
        Assert.Equal(RiskLevel.Critical, list[0].Level);
        Assert.Equal("r2", list[0].RuleId);
        // 24 h older than the newest document: one half-life, 40 → 20 (low).
        Assert.Equal(20, list[2].Score, 6);
        Assert.Equal(RiskLevel.Low, list[2].Level);
    }
}
