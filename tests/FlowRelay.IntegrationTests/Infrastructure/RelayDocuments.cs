using System.Text.Json;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>Reads the relay's NDJSON output: finished <c>*.ndjson</c> files and the one being written (<c>.partial</c>), whole lines only.</summary>
public static class RelayDocuments
{
    public static List<JsonElement> Read(string directory)
    {
        var docs = new List<JsonElement>();
        if (!Directory.Exists(directory)) return docs;
        var files = Directory.GetFiles(directory, "*.ndjson").Concat(Directory.GetFiles(directory, "*.ndjson.partial")).Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            string text;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                text = reader.ReadToEnd();
            }
            catch (FileNotFoundException)
            {
                continue; // renamed from .partial to .ndjson between listing and opening; read next time
            }
            int end = text.LastIndexOf('\n');
            if (end < 0) continue;
            foreach (var line in text[..end].Split('\n'))
                if (line.Length > 0) docs.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        return docs;
    }

    /// <summary>A dotted ECS path (<c>source.ip</c>) in a document written as nested objects.</summary>
    public static JsonElement? Get(this JsonElement doc, string dottedPath)
    {
        var e = doc;
        foreach (var part in dottedPath.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out e)) return null;
        }
        return e;
    }

    public static string? GetString(this JsonElement doc, string dottedPath) =>
        doc.Get(dottedPath) is { } e ? (e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText()) : null;

    public static long? GetLong(this JsonElement doc, string dottedPath) =>
        doc.Get(dottedPath) is { } e ? (e.ValueKind == JsonValueKind.Number ? e.GetInt64() : long.Parse(e.GetString()!)) : null;
}
