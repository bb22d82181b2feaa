using System.Text.Json;

namespace FlowRelay.Engine.Events;

/// <summary>The configured network names, in order, with their pre-encoded JSON text (at most 64).</summary>
public sealed class ZoneNames
{
    /// <summary>Most named networks: one bit each in a <see cref="ZoneSet"/> mask.</summary>
    public const int Max = 64;

    private readonly string[] _names;
    private readonly JsonEncodedText[] _encoded;

    public ZoneNames(IReadOnlyList<string> names)
    {
        if (names.Count > Max) throw new ArgumentException($"at most {Max} named networks", nameof(names));
        _names = names.ToArray();
        _encoded = _names.Select(n => JsonEncodedText.Encode(n)).ToArray();
    }

    public int Count => _names.Length;

    public string this[int index] => _names[index];

    /// <summary>The name as pre-encoded JSON text, for the document writer.</summary>
    public JsonEncodedText Encoded(int index) => _encoded[index];

    /// <summary>Index of <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < _names.Length; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }
}
