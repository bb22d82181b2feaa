using FlowRelay.Engine.Risk;

namespace FlowRelay.Engine.Tests.Risk;

public class ThreatIndexTests
{
    private const long Hour = 3_600_000_000_000;

    [Fact]
    public void Points_add_and_decay_by_half_each_half_life()
    {
        var index = new ThreatIndex(new ThreatIndexOptions { HalfLife = TimeSpan.FromHours(24) });
        Assert.Equal(20, index.Add("10.0.0.1", 20, 0).Score);
        var (score, before, after) = index.Add("10.0.0.1", 20, 24 * Hour);
        Assert.Equal(30, score, 6); // 20 halved to 10, plus 20
        Assert.Equal(RiskLevel.Low, before);
        Assert.Equal(RiskLevel.Low, after);
        Assert.Equal(7.5, index.Snapshot(72 * Hour).Single().Score, 6);
    }

    [Theory]
    [InlineData(19.9, RiskLevel.Unknown)]
    [InlineData(20, RiskLevel.Low)]
    [InlineData(40, RiskLevel.Moderate)]
    [InlineData(70, RiskLevel.High)]
    [InlineData(90, RiskLevel.Critical)]
    public void Levels_follow_the_thresholds(double score, RiskLevel level) => Assert.Equal(level, new ThreatIndexOptions().LevelOf(score));

    [Fact]
    public void Crossing_levels_is_reported_and_late_alerts_do_not_grow_the_score_backwards()
    {
        var index = new ThreatIndex(new ThreatIndexOptions());
        index.Add("h", 30, 10 * Hour);
        var r = index.Add("h", 50, 5 * Hour); // older event time: no decay, no negative time
        Assert.Equal(80, r.Score, 6);
        Assert.Equal(RiskLevel.Low, r.Before);
        Assert.Equal(RiskLevel.High, r.After);
    }

    [Fact]
    public void Host_count_is_bounded()
    {
        var index = new ThreatIndex(new ThreatIndexOptions { MaxHosts = 100 });
        for (int i = 0; i < 1000; i++) index.Add($"10.0.{i / 256}.{i % 256}", 1 + i % 7, i);
        Assert.True(index.Count <= 100);
        Assert.Equal(1000, index.Count + index.Evictions);
    }
}
