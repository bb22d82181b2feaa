using System.Collections;
using Microsoft.Extensions.Configuration;

namespace FlowRelay.Config;

/// <summary>
/// Loads <see cref="RelaySettings"/>: the built-in defaults, then the YAML file (if any), then
/// <c>FLOWRELAY_*</c> environment variables (<c>FLOWRELAY_OUTPUTS__NDJSON__MAX_FILE_SIZE=50MiB</c>),
/// then validates everything.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Prefix of environment variables that override settings.</summary>
    public const string EnvironmentPrefix = "FLOWRELAY_";

    /// <summary>
    /// Loads from <paramref name="path"/> (null: no file, defaults only) and the given environment
    /// (null: the process environment).
    /// </summary>
    public static ConfigLoadResult Load(string? path, IDictionary? environment = null)
    {
        var errors = new ValidationErrors();
        string source = path ?? "(built-in defaults)";
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (path is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.AddGeneral($"config file '{path}': cannot be read: {e.Message}");
                return new ConfigLoadResult(null, errors.Errors, source);
            }
            var flat = YamlConfigFlattener.Flatten(text, path, errors);
            if (flat is null) return new ConfigLoadResult(null, errors.Errors, source);
            foreach (var (k, v) in flat) values[k] = v;
        }
        return Load(values, environment ?? Environment.GetEnvironmentVariables(), errors, source);
    }

    /// <summary>Loads from YAML text (for tests and tools).</summary>
    public static ConfigLoadResult LoadYaml(string yaml, IDictionary? environment = null, string sourceName = "(inline)")
    {
        var errors = new ValidationErrors();
        var flat = YamlConfigFlattener.Flatten(yaml, sourceName, errors);
        if (flat is null) return new ConfigLoadResult(null, errors.Errors, sourceName);
        return Load(flat, environment ?? new Hashtable(), errors, sourceName);
    }

    private static ConfigLoadResult Load(Dictionary<string, string?> values, IDictionary environment, ValidationErrors errors, string source)
    {
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            string key = name[EnvironmentPrefix.Length..].Replace("__", ":", StringComparison.Ordinal).ToLowerInvariant();
            if (key.Length == 0) continue;
            values[key] = entry.Value as string;
        }
        var config = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var badKeys = SettingsKeyChecker.Check<RelaySettings>(config, errors);
        if (badKeys.Count > 0)
        {
            // Leave the bad keys out (their defaults apply) so the remaining settings are still
            // validated and the user sees every problem in one go.
            var kept = values.Where(kv => !badKeys.Any(b => kv.Key.Equals(b, StringComparison.OrdinalIgnoreCase) ||
                                                            kv.Key.StartsWith(b + ":", StringComparison.OrdinalIgnoreCase)));
            config = new ConfigurationBuilder().AddInMemoryCollection(kept).Build();
        }

        var settings = new RelaySettings();
        try
        {
            config.Bind(settings, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The key checker should have caught this first; keep the binder's word as a last resort.
            errors.AddGeneral(e.InnerException is null ? e.Message : $"{e.Message} {e.InnerException.Message}");
            return new ConfigLoadResult(null, errors.Errors, source);
        }
        settings.ApplyDerivedDefaults();
        foreach (var e in settings.Validate().Errors) errors.AddGeneral(e);
        return new ConfigLoadResult(errors.IsEmpty ? settings : null, errors.Errors, source);
    }
}
