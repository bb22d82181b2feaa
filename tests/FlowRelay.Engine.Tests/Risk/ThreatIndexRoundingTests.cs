using FlowRelay.Engine.Risk;

namespace FlowRelay.Engine.Tests.Risk;

/// <summary>The threat index's score and level agree with what the documents show.</summary>
public class ThreatIndexRoundingTests
{
    [Fact]
    public void A_score_shown_as_40_is_never_labelled_below_the_40_threshold()
    {
        var index = new ThreatIndex(new ThreatIndexOptions());
        long t0 = 1_767_225_600_000_000_000;
        index.Add("10.0.0.1", 20, t0);
        // Two seconds of decay (24 h half-life) take the first 20 points to 19.99999...: 39.99999 in all.
        var (score, _, after) = index.Add("10.0.0.1", 20, t0 + 2_000_000_000);
        Assert.Equal(40, score);
        Assert.Equal(index.Options.LevelOf(40), after);
        Assert.Equal(RiskLevel.Moderate, after);
        var snapshot = Assert.Single(index.Snapshot(t0 + 2_000_000_000));
        Assert.Equal(40, snapshot.Score);
        Assert.Equal(RiskLevel.Moderate, snapshot.Level);
    }
}
