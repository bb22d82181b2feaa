using FlowRelay.Engine.Enrich;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>The <c>enrich.assets</c> section: the asset inventory file.</summary>
public sealed class AssetSettings
{
    /// <summary>Path of the inventory (.csv or .yaml): address or CIDR → name, owner, criticality. Empty: none.</summary>
    [ConfigurationKeyName("file")]
    public string File { get; set; } = "";

    /// <summary>Loads the inventory; null when no file is configured.</summary>
    public AssetInventory? Load()
    {
        if (string.IsNullOrWhiteSpace(File)) return null;
        var errors = new List<string>();
        return AssetInventory.Load(File, errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    internal void Validate(string path, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(File)) return;
        var problems = new List<string>();
        AssetInventory.Load(File, problems);
        foreach (var p in problems.Take(10)) errors.Add($"{path}.file", p);
        if (problems.Count > 10) errors.Add($"{path}.file", $"... and {problems.Count - 10} more problems");
    }
}
