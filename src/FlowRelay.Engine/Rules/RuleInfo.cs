namespace FlowRelay.Engine.Rules;

/// <summary>
/// A rule's descriptive attributes (Sigma's title, id, name, level, ...) and FlowRelay's own
/// settings from the rule's <c>flowrelay:</c> key. Alerts copy these into ECS <c>rule.*</c>.
/// </summary>
public sealed class RuleInfo
{
    /// <summary>Sigma <c>id</c>; when a rule has none, "<c>file#document</c>" so it is still unique.</summary>
    public required string Id { get; init; }

    /// <summary>Sigma <c>name</c> (how correlations refer to a rule), if given.</summary>
    public string? Name { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>informational, low, medium, high or critical (Sigma <c>level</c>); medium when absent.</summary>
    public string Level { get; init; } = "medium";

    public string? Status { get; init; }

    public string? Author { get; init; }

    public string? License { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>File the rule came from (relative to the rules folder).</summary>
    public required string File { get; init; }

    /// <summary><c>flowrelay: {risk: N}</c>: points an alert adds to its host's threat index (0: none).</summary>
    public int RiskPoints { get; init; }

    /// <summary><c>flowrelay: {suppress: 10m}</c>: after an alert, the same rule and group key stay quiet this long.</summary>
    public TimeSpan Suppress { get; init; }

    /// <summary><c>flowrelay: {host: source.ip}</c>: the field naming the host an alert is about (default: the first address field of the group key, else source.ip).</summary>
    public string? HostField { get; init; }

    /// <summary>ECS <c>event.severity</c>: informational 1, low 2, medium 3, high 4, critical 5.</summary>
    public int Severity => SeverityOf(Level);

    /// <summary>Maps a Sigma level to <see cref="Severity"/>.</summary>
    public static int SeverityOf(string level) => level switch
    {
        "informational" => 1,
        "low" => 2,
        "medium" => 3,
        "high" => 4,
        "critical" => 5,
        _ => 3,
    };

    /// <summary>Levels Sigma allows.</summary>
    public static readonly string[] Levels = ["informational", "low", "medium", "high", "critical"];
}
