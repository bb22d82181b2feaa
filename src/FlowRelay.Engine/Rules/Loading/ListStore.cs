using System.Text.RegularExpressions;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>
/// Values for Sigma <c>expand</c> placeholders: <c>%name%</c> is replaced by the lines of
/// <c>lists/name.txt</c> (or <c>lists/name</c>) — one value per line, blank lines and
/// <c>#</c> comments ignored — as pySigma's value placeholders intend.
/// </summary>
public sealed partial class ListStore
{
    private readonly Dictionary<string, string[]> _lists = new(StringComparer.Ordinal);

    /// <summary>Names of the lists loaded.</summary>
    public IEnumerable<string> Names => _lists.Keys;

    /// <summary>Loads every file in <paramref name="directory"/>; a missing folder means no lists.</summary>
    public static ListStore Load(string directory)
    {
        var store = new ListStore();
        if (!Directory.Exists(directory)) return store;
        foreach (var path in Directory.GetFiles(directory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetExtension(path) == ".txt" ? Path.GetFileNameWithoutExtension(path) : Path.GetFileName(path);
            if (name.StartsWith('.')) continue;
            store._lists[name] = ParseLines(File.ReadAllLines(path));
        }
        return store;
    }

    /// <summary>Adds a list in code (tests).</summary>
    public ListStore With(string name, params string[] values)
    {
        _lists[name] = values;
        return this;
    }

    /// <summary>Values of the list, or false when there is no such list.</summary>
    public bool TryGet(string name, out string[] values) => _lists.TryGetValue(name, out values!);

    internal static string[] ParseLines(IEnumerable<string> lines)
    {
        var values = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw;
            int hash = line.IndexOf('#');
            if (hash == 0 || (hash > 0 && char.IsWhiteSpace(line[hash - 1]))) line = line[..hash];
            line = line.Trim();
            if (line.Length > 0) values.Add(line);
        }
        return values.ToArray();
    }

    /// <summary>Matches %name% placeholders.</summary>
    [GeneratedRegex("%([A-Za-z0-9_.-]+)%")]
    internal static partial Regex Placeholder();
}
