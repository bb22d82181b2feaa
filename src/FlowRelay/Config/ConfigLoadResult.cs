namespace FlowRelay.Config;

/// <summary>What loading the configuration produced: the settings, or every error found.</summary>
public sealed record ConfigLoadResult(RelaySettings? Settings, IReadOnlyList<string> Errors, string Source)
{
    /// <summary>True when the settings are usable.</summary>
    public bool IsValid => Settings is not null && Errors.Count == 0;
}
