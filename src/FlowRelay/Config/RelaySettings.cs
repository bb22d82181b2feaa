using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// The whole configuration of the relay: one YAML file with snake_case keys, every setting
/// defaulted so the relay runs with no file at all, each overridable by a
/// <c>FLOWRELAY_&lt;PATH&gt;</c> environment variable.
/// </summary>
public sealed class RelaySettings
{
    /// <summary>Folder for everything the relay keeps: templates.json, stats.json, and (by default) the NDJSON events.</summary>
    [ConfigurationKeyName("data_dir")]
    public string DataDir { get; set; } = "./data";

    /// <summary>trace, debug, info, warn, error, fatal or off.</summary>
    [ConfigurationKeyName("log_level")]
    public string LogLevel { get; set; } = "info";

    /// <summary>How often the one-line stats summary is logged and stats.json rewritten.</summary>
    [ConfigurationKeyName("stats_interval")]
    public Duration StatsInterval { get; set; } = Duration.FromSeconds(60);

    [ConfigurationKeyName("inputs")]
    public InputsSettings Inputs { get; set; } = new();

    [ConfigurationKeyName("templates")]
    public TemplateSettings Templates { get; set; } = new();

    /// <summary>Per-exporter settings (name, sampling rate), matched on the exporter's source address.</summary>
    [ConfigurationKeyName("exporters")]
    public List<ExporterSettings> Exporters { get; set; } = [];

    [ConfigurationKeyName("enrich")]
    public EnrichSettings Enrich { get; set; } = new();

    [ConfigurationKeyName("outputs")]
    public OutputsSettings Outputs { get; set; } = new();

    /// <summary>The disk spool in front of the Elasticsearch output.</summary>
    [ConfigurationKeyName("spool")]
    public SpoolSettings Spool { get; set; } = new();

    [ConfigurationKeyName("rules")]
    public RulesSettings Rules { get; set; } = new();

    /// <summary>The Prometheus and health endpoints.</summary>
    [ConfigurationKeyName("metrics")]
    public MetricsSettings Metrics { get; set; } = new();

    internal static readonly string[] LogLevels = ["trace", "debug", "info", "warn", "error", "fatal", "off"];

    /// <summary>Fills defaults that depend on other settings (lists the binder would append to, paths under data_dir).</summary>
    public void ApplyDerivedDefaults()
    {
        if (Inputs.Flow.Listen.Count == 0) Inputs.Flow.Listen.AddRange(FlowInputSettings.DefaultListen);
        if (string.IsNullOrWhiteSpace(Outputs.Ndjson.Path)) Outputs.Ndjson.Path = System.IO.Path.Combine(DataDir, "events");
        if (string.IsNullOrWhiteSpace(Spool.Path)) Spool.Path = System.IO.Path.Combine(DataDir, "spool");
        if (string.IsNullOrWhiteSpace(Outputs.Elasticsearch.DeadLetterPath)) Outputs.Elasticsearch.DeadLetterPath = System.IO.Path.Combine(DataDir, "dead-letter");
        Enrich.ApplyDerivedDefaults();
    }

    /// <summary>Checks every setting and returns every problem found (never stops at the first).</summary>
    public ValidationErrors Validate()
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(DataDir)) errors.Add("data_dir", "must not be empty");
        if (!LogLevels.Contains(LogLevel?.Trim().ToLowerInvariant()))
            errors.Add("log_level", $"must be one of {string.Join(", ", LogLevels)} (got '{LogLevel}')");
        errors.Range("stats_interval", StatsInterval, Duration.FromSeconds(1), Duration.FromHours(24));
        Inputs.Flow.Validate("inputs.flow", errors);
        Inputs.ValidateLogInputs("inputs", errors);
        Templates.Validate("templates", errors);
        var seen = new HashSet<System.Net.IPAddress>();
        for (int i = 0; i < Exporters.Count; i++)
        {
            Exporters[i].Validate($"exporters[{i}]", errors);
            if (ExporterSettings.TryParseAddress(Exporters[i].Address, out var a) && !seen.Add(a))
                errors.Add($"exporters[{i}].address", $"'{Exporters[i].Address}' is listed more than once");
        }
        Enrich.Validate("enrich", errors);
        Outputs.Ndjson.Validate("outputs.ndjson", errors);
        Outputs.Elasticsearch.Validate("outputs.elasticsearch", errors);
        Outputs.Kibana.Validate("outputs.kibana", errors);
        Outputs.Cef.Validate("outputs.cef", errors);
        Spool.Validate("spool", errors);
        Rules.Validate("rules", errors);
        Metrics.Validate("metrics", errors);
        return errors;
    }
}
