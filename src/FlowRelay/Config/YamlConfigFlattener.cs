using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRelay.Config;

/// <summary>
/// Turns a YAML document into Microsoft.Extensions.Configuration keys (<c>outputs:ndjson:max_files</c>,
/// list items as <c>inputs:flow:listen:0</c>), so YAML and environment variables bind the same way.
/// </summary>
public static class YamlConfigFlattener
{
    /// <summary>
    /// Flattens <paramref name="yaml"/>. A syntax error becomes a message naming
    /// <paramref name="sourceName"/>, line and column; the result is then null.
    /// </summary>
    public static Dictionary<string, string?>? Flatten(string yaml, string sourceName, ValidationErrors errors)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(yaml));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            errors.AddGeneral(string.Create(CultureInfo.InvariantCulture,
                $"config file '{sourceName}', line {e.Start.Line}, column {e.Start.Column}: {Describe(e)}"));
            return null;
        }
        catch (InvalidOperationException)
        {
            // Some malformed input (an unclosed flow sequence) trips YamlDotNet without a YamlException; the scanner still knows where it stopped.
            var at = scanner.CurrentPosition;
            errors.AddGeneral(string.Create(CultureInfo.InvariantCulture,
                $"config file '{sourceName}', line {at.Line}, column {at.Column}: invalid YAML (an unclosed [ ] or {{ }}, or a stray character?)"));
            return null;
        }
        if (stream.Documents.Count == 0) return result;
        if (stream.Documents.Count > 1)
        {
            errors.AddGeneral($"config file '{sourceName}': holds {stream.Documents.Count} YAML documents; use one");
            return null;
        }
        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Value: null or "" or "~" }) return result;
        if (root is not YamlMappingNode)
        {
            errors.AddGeneral(string.Create(CultureInfo.InvariantCulture,
                $"config file '{sourceName}', line {root.Start.Line}, column {root.Start.Column}: the top level must be a mapping of settings (key: value)"));
            return null;
        }
        Walk(root, "", result, sourceName, errors);
        return result;
    }

    private static string Describe(YamlException e)
    {
        // YamlDotNet prefixes its own "(Line: x, Col: y, Idx: z) - (...): " position; we already say where.
        var m = e.InnerException?.Message ?? e.Message;
        int dash = m.LastIndexOf("): ", StringComparison.Ordinal);
        return dash >= 0 ? m[(dash + 3)..] : m;
    }

    private static void Walk(YamlNode node, string prefix, Dictionary<string, string?> result, string sourceName, ValidationErrors errors)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode { Value: { } key } || key.Length == 0)
                    {
                        errors.AddGeneral(string.Create(CultureInfo.InvariantCulture,
                            $"config file '{sourceName}', line {k.Start.Line}, column {k.Start.Column}: a key must be a plain name"));
                        continue;
                    }
                    string path = prefix.Length == 0 ? key : prefix + ":" + key;
                    if (result.ContainsKey(path))
                        errors.AddGeneral(string.Create(CultureInfo.InvariantCulture,
                            $"config file '{sourceName}', line {k.Start.Line}, column {k.Start.Column}: '{path.Replace(':', '.')}' is set twice"));
                    Walk(v, path, result, sourceName, errors);
                }
                break;
            case YamlSequenceNode seq:
                for (int i = 0; i < seq.Children.Count; i++)
                    Walk(seq.Children[i], prefix + ":" + i.ToString(CultureInfo.InvariantCulture), result, sourceName, errors);
                break;
            case YamlScalarNode scalar:
                // A bare "key:" or "~" means "not set here", so the default applies.
                bool isNull = scalar.Style == ScalarStyle.Plain && (scalar.Value is null or "" or "~" or "null");
                if (!isNull) result[prefix] = scalar.Value;
                break;
        }
    }
}
