using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>rules</c> section: the Sigma rules folder and the streaming engine's limits.</summary>
public sealed class RulesSettings
{
    [ConfigurationKeyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>Rules folder; empty means the <c>rules/</c> folder shipped next to the executable.</summary>
    [ConfigurationKeyName("path")]
    public string Path { get; set; } = "";

    /// <summary>How far behind the newest event time an event may arrive and still count.</summary>
    [ConfigurationKeyName("lateness")]
    public Duration Lateness { get; set; } = Duration.FromMinutes(5);

    /// <summary>Most group keys (e.g. hosts) one correlation rule tracks; beyond it the oldest are evicted and counted.</summary>
    [ConfigurationKeyName("max_groups")]
    public int MaxGroups { get; set; } = 50_000;

    /// <summary>How often the folder is checked for changed rule files (0s: never).</summary>
    [ConfigurationKeyName("reload_interval")]
    public Duration ReloadInterval { get; set; } = Duration.FromSeconds(5);

    /// <summary>Threat index half-life: a score halves over this much event time.</summary>
    [ConfigurationKeyName("risk_half_life")]
    public Duration RiskHalfLife { get; set; } = Duration.FromHours(24);

    /// <summary>The folder actually used.</summary>
    public string ResolvePath() => string.IsNullOrWhiteSpace(Path) ? System.IO.Path.Combine(AppContext.BaseDirectory, "rules") : Path;

    internal void Validate(string path, ValidationErrors errors)
    {
        errors.Range($"{path}.lateness", Lateness, Duration.FromSeconds(0), Duration.FromHours(24));
        errors.Range($"{path}.max_groups", MaxGroups, 10, 10_000_000);
        errors.Range($"{path}.reload_interval", ReloadInterval, Duration.FromSeconds(0), Duration.FromHours(24));
        errors.Range($"{path}.risk_half_life", RiskHalfLife, Duration.FromMinutes(1), Duration.FromHours(24 * 365));
    }
}
