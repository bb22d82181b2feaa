using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>Typed reads of YAML nodes that fail with the node's position.</summary>
internal static class YamlNodes
{
    public static YamlMappingNode Map(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw new RuleException(node.Start, $"{what} must be a map");

    public static string Text(YamlNode node, string what)
    {
        if (node is YamlScalarNode s && s.Value is not null && !IsNull(s)) return s.Value;
        throw new RuleException(node.Start, $"{what} must be a string");
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } s && (s.Value is null or "" or "~" or "null" or "Null" or "NULL");

    public static long Integer(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Style: ScalarStyle.Plain } s && long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v))
            return v;
        throw new RuleException(node.Start, $"{what} must be an integer");
    }

    public static List<string> TextList(YamlNode node, string what)
    {
        if (node is YamlScalarNode) return [Text(node, what)];
        if (node is not YamlSequenceNode seq) throw new RuleException(node.Start, $"{what} must be a string or a list of strings");
        return seq.Children.Select(c => Text(c, what)).ToList();
    }

    public static YamlNode? Get(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode s && s.Value == key) return v;
        }
        return null;
    }

    public static string? OptionalText(YamlMappingNode map, string key, string what) =>
        Get(map, key) is { } n ? Text(n, what) : null;

    /// <summary>Refuses keys not in <paramref name="known"/>, naming the allowed ones.</summary>
    public static void CheckKeys(YamlMappingNode map, IReadOnlyCollection<string> known, string where)
    {
        foreach (var (k, _) in map.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "";
            if (!known.Contains(name))
                throw new RuleException(k.Start, $"unknown key '{name}' in {where} (allowed: {string.Join(", ", known)}; FlowRelay's own settings go under 'flowrelay:')");
        }
    }

    /// <summary>Sigma timespan: a number and one of s, m, h, d (correlation spec, "Time Selection").</summary>
    public static TimeSpan Timespan(YamlNode node, string what)
    {
        var text = Text(node, what);
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        throw new RuleException(node.Start, $"{what} '{text}' is not a timespan (a positive number and s, m, h or d, e.g. 5m)");
    }
}
