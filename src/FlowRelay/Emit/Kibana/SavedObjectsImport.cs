using System.Net.Http.Headers;
using System.Text.Json;

namespace FlowRelay.Emit.Kibana;

/// <summary>
/// One call of Kibana's saved objects import API:
/// <c>POST [/s/{space}]/api/saved_objects/_import?overwrite=true</c>, multipart/form-data with
/// the NDJSON file in the <c>file</c> part, <c>kbn-xsrf</c> set (Kibana refuses API writes without it).
/// </summary>
public static class SavedObjectsImport
{
    /// <summary>The request path, relative to Kibana's base URL.</summary>
    public static string Path(string space) =>
        (space.Length == 0 || space == "default" ? "" : "s/" + Uri.EscapeDataString(space) + "/") + "api/saved_objects/_import?overwrite=true";

    /// <summary>Imports one NDJSON file; never throws for an HTTP or network failure (the result says what happened).</summary>
    public static async Task<ImportResult> ImportAsync(HttpClient client, string space, string file, CancellationToken ct)
    {
        using var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(await File.ReadAllBytesAsync(file, ct).ConfigureAwait(false));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/ndjson");
        content.Add(part, "file", System.IO.Path.GetFileName(file));
        using var request = new HttpRequestMessage(HttpMethod.Post, Path(space)) { Content = content };
        request.Headers.Add("kbn-xsrf", "true");
        try
        {
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            string body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return ImportResult.Parse((int)response.StatusCode, body);
        }
        catch (HttpRequestException e)
        {
            return ImportResult.Failed($"no answer from Kibana: {e.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return ImportResult.Failed($"no answer from Kibana within {client.Timeout.TotalSeconds:0} s");
        }
    }
}

/// <summary>What Kibana answered to an import: overall success, objects imported, and each failed object with the reason.</summary>
public sealed class ImportResult
{
    public bool Success { get; private init; }

    public int SuccessCount { get; private init; }

    /// <summary>Failures not tied to one object (HTTP status, unreadable answer, no connection).</summary>
    public string? RequestError { get; private init; }

    public IReadOnlyList<ImportError> Errors { get; private init; } = [];

    public static ImportResult Failed(string why) => new() { RequestError = why };

    /// <summary>Reads Kibana's answer: <c>{success, successCount, errors:[{id, type, title, error:{type, message, references}}]}</c>.</summary>
    public static ImportResult Parse(int status, string body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Failed($"HTTP {status}: {Truncate(body)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (status is < 200 or > 299 || root.ValueKind != JsonValueKind.Object)
            {
                string message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var m) ? m.ToString() : Truncate(body);
                return Failed($"HTTP {status}: {message}");
            }
            bool success = root.TryGetProperty("success", out var s) && s.ValueKind == JsonValueKind.True;
            int count = root.TryGetProperty("successCount", out var c) && c.TryGetInt32(out int n) ? n : 0;
            var errors = new List<ImportError>();
            if (root.TryGetProperty("errors", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var e in list.EnumerateArray()) errors.Add(ImportError.From(e));
            }
            return new ImportResult { Success = success && errors.Count == 0, SuccessCount = count, Errors = errors };
        }
    }

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500] + "…";
}

/// <summary>One object Kibana did not import, and why.</summary>
public sealed record ImportError(string Type, string Id, string Title, string Reason)
{
    internal static ImportError From(JsonElement e)
    {
        string Get(JsonElement o, string name) => o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        string title = Get(e, "title");
        if (title.Length == 0 && e.TryGetProperty("meta", out var meta)) title = Get(meta, "title");
        string reason = "unknown";
        if (e.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object)
        {
            reason = Get(err, "type");
            string message = Get(err, "message");
            if (message.Length > 0) reason += ": " + message;
            if (err.TryGetProperty("references", out var refs) && refs.ValueKind == JsonValueKind.Array && refs.GetArrayLength() > 0)
                reason += " (" + string.Join(", ", refs.EnumerateArray().Select(r => $"{Get(r, "type")} {Get(r, "id")}")) + ")";
        }
        return new ImportError(Get(e, "type"), Get(e, "id"), title, reason);
    }

    public override string ToString() => $"{Type} {Id}{(Title.Length > 0 ? $" \"{Title}\"" : "")}: {Reason}";
}
