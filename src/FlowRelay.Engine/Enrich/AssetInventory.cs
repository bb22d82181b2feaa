using System.Net;
using FlowRelay.Engine.Events;
using YamlDotNet.RepresentationModel;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// The asset inventory file: addresses or CIDR ranges mapped to host name, owner and criticality.
/// Two formats, chosen by extension:
/// <list type="bullet">
/// <item>CSV (<c>.csv</c>): a header line naming the columns <c>address,name,owner,criticality</c>
/// (any order; owner and criticality optional), then one asset per line; <c>#</c> starts a comment line.</item>
/// <item>YAML (<c>.yaml</c>/<c>.yml</c>): a list of mappings with the same keys.</item>
/// </list>
/// Where ranges overlap, the most specific wins (a host entry inside its subnet's entry).
/// </summary>
public sealed class AssetInventory
{
    private readonly IpRangeMap<int> _map;
    private readonly AssetInfo[] _assets;

    private AssetInventory(IpRangeMap<int> map, AssetInfo[] assets)
    {
        _map = map;
        _assets = assets;
    }

    /// <summary>Number of entries in the file.</summary>
    public int Count => _assets.Length;

    /// <summary>The asset of <paramref name="address"/>, or null. Allocation-free.</summary>
    public AssetInfo? Find(in FlowRelay.Protocols.Flows.IpAddr address) => _map.TryGet(address, out int i) ? _assets[i] : null;

    /// <summary>Builds an inventory from entries already parsed.</summary>
    public static AssetInventory FromEntries(IReadOnlyList<(IPNetwork Network, AssetInfo Asset)> entries) =>
        new(IpRangeMap<int>.Build(entries.Select((e, i) => (e.Network, i)), static (_, specific) => specific), entries.Select(e => e.Asset).ToArray());

    /// <summary>
    /// Loads <paramref name="path"/>; on failure returns null and fills <paramref name="errors"/> with
    /// each problem as "file, line N: reason".
    /// </summary>
    public static AssetInventory? Load(string path, List<string> errors)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: cannot be read: {e.Message}");
            return null;
        }
        var entries = new List<(IPNetwork, AssetInfo)>();
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is ".yaml" or ".yml") ParseYaml(text, path, entries, errors);
        else if (ext == ".csv") ParseCsv(text, path, entries, errors);
        else errors.Add($"{path}: unknown format (use .csv, .yaml or .yml)");
        return errors.Count == 0 ? FromEntries(entries) : null;
    }

    private static void ParseCsv(string text, string path, List<(IPNetwork, AssetInfo)> entries, List<string> errors)
    {
        string[] lines = text.Split('\n');
        int[]? columns = null;
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] cells = line.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
            if (columns is null)
            {
                string[] names = ["address", "name", "owner", "criticality"];
                columns = names.Select(h => Array.FindIndex(cells, c => c.Equals(h, StringComparison.OrdinalIgnoreCase))).ToArray();
                if (columns[0] < 0 || columns[1] < 0)
                {
                    errors.Add($"{path}, line {n + 1}: the header must name the columns address and name (and optionally owner, criticality)");
                    return;
                }
                continue;
            }
            string Cell(int i) => columns[i] >= 0 && columns[i] < cells.Length ? cells[columns[i]] : "";
            Add(Cell(0), Cell(1), Cell(2), Cell(3), $"{path}, line {n + 1}", entries, errors);
        }
    }

    private static void ParseYaml(string text, string path, List<(IPNetwork, AssetInfo)> entries, List<string> errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            errors.Add($"{path}, line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}");
            return;
        }
        if (stream.Documents.Count == 0) return;
        if (stream.Documents[0].RootNode is not YamlSequenceNode list)
        {
            errors.Add($"{path}: must be a list of assets (- address: ..., name: ...)");
            return;
        }
        foreach (var node in list)
        {
            string where = $"{path}, line {node.Start.Line}";
            if (node is not YamlMappingNode map)
            {
                errors.Add($"{where}: an asset must be a mapping with address and name");
                continue;
            }
            string Get(string key)
            {
                foreach (var (k, v) in map.Children)
                {
                    if (k is YamlScalarNode ks && string.Equals(ks.Value, key, StringComparison.OrdinalIgnoreCase) && v is YamlScalarNode vs) return vs.Value ?? "";
                }
                return "";
            }
            foreach (var (k, _) in map.Children)
            {
                if (k is YamlScalarNode ks && ks.Value?.ToLowerInvariant() is not ("address" or "name" or "owner" or "criticality"))
                    errors.Add($"{path}, line {k.Start.Line}: unknown key '{ks.Value}' (known: address, name, owner, criticality)");
            }
            Add(Get("address"), Get("name"), Get("owner"), Get("criticality"), where, entries, errors);
        }
    }

    private static void Add(string address, string name, string owner, string criticality, string where,
        List<(IPNetwork, AssetInfo)> entries, List<string> errors)
    {
        if (!IpRangeMap<int>.TryParseCidr(address, out var network))
        {
            errors.Add($"{where}: address '{address}' is not an IP address or CIDR range");
            return;
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add($"{where}: name is missing");
            return;
        }
        entries.Add((network, new AssetInfo
        {
            Name = name.Trim(),
            Owner = string.IsNullOrWhiteSpace(owner) ? null : owner.Trim(),
            Criticality = string.IsNullOrWhiteSpace(criticality) ? null : criticality.Trim().ToLowerInvariant(),
        }));
    }
}
