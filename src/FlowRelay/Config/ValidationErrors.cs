using System.Globalization;

namespace FlowRelay.Config;

/// <summary>
/// Collects configuration errors, each naming the setting by its dotted path:
/// <c>setting 'outputs.ndjson.max_files': must be between 1 and 10000 (got 0)</c>.
/// </summary>
public sealed class ValidationErrors
{
    private readonly List<string> _errors = [];

    /// <summary>The errors collected so far, in the order found.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>True when no error was found.</summary>
    public bool IsEmpty => _errors.Count == 0;

    /// <summary>Adds an error for <paramref name="setting"/> (a dotted path such as <c>inputs.flow.listen</c>).</summary>
    public void Add(string setting, string problem) => _errors.Add($"setting '{setting}': {problem}");

    /// <summary>Adds an error that is not about a single setting (a file that cannot be read, a YAML syntax error).</summary>
    public void AddGeneral(string message) => _errors.Add(message);

    public void Range(string setting, long value, long min, long max)
    {
        if (value < min || value > max)
            Add(setting, string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max} (got {value})"));
    }

    public void Range(string setting, Duration value, Duration min, Duration max)
    {
        if (value < min || value > max) Add(setting, $"must be between {min} and {max} (got {value})");
    }

    public void Range(string setting, ByteSize value, ByteSize min, ByteSize max)
    {
        if (value < min || value > max) Add(setting, $"must be between {min} and {max} (got {value})");
    }
}
