using System.Globalization;
using System.Net;
using System.Text.Json;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Rules.Replay;

/// <summary>Reads typed values from an ECS document by dotted path (nested objects or flattened keys).</summary>
internal static class EcsDocument
{
    internal static JsonElement? Get(JsonElement root, string path)
    {
        var cur = root;
        foreach (var part in path.Split('.'))
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(part, out cur))
            {
                // Also accept flattened keys ("source.ip": ...), as some shippers write them.
                return root.TryGetProperty(path, out var flat) ? flat : null;
            }
        }
        return cur;
    }

    internal static string? Str(JsonElement root, string path) => Get(root, path) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    internal static long? Num(JsonElement root, string path) => Get(root, path) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out long n) => n,
        { ValueKind: JsonValueKind.String } v when long.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) => n,
        _ => null,
    };

    internal static IpAddr? Ip(JsonElement root, string path) => Str(root, path) is { } s && IPAddress.TryParse(s, out var a) ? IpAddr.From(a) : null;

    internal static long? Time(JsonElement root, string path) =>
        Str(root, path) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100
            : null;
}
