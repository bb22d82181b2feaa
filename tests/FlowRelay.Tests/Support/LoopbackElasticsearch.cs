using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Tests;

/// <summary>
/// A loopback server (Kestrel on 127.0.0.1, port chosen by the OS) that speaks the part of the
/// Elasticsearch REST protocol the relay uses, the way Elasticsearch does:
/// <c>X-Elastic-Product: Elasticsearch</c> on every answer (the official client refuses answers
/// without it), <c>GET /</c> product info, <c>POST /_bulk</c> with per-item statuses in request
/// order, <c>create</c> answering 409 version_conflict_engine_exception for an <c>_id</c> the target
/// already holds, 400 document_parsing_exception for a value that does not fit a declared field
/// type, and PUT of component/index templates and lifecycle policies (stored for inspection).
/// <para>
/// Faults can be switched on while it runs: whole requests refused with 429 or failed with 500
/// (optionally after indexing, as a proxy timing out would), items refused with 429 or 503, slow
/// answers, and disappearing (the listener closed: connection refused) and coming back on the same port.
/// </para>
/// </summary>
internal sealed class LoopbackElasticsearch : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, byte[]> _documents = new();
    private readonly object _randomGate = new();
    private Random _random = new(12345);
    private WebApplication? _app;
    private int _port;

    public ConcurrentDictionary<string, string> Templates { get; } = new();

    /// <summary>Field path → required JSON kind; a document with another kind there gets a 400 mapping error.</summary>
    public Dictionary<string, JsonValueKind> FieldTypes { get; } = new();

    public double RequestRejectRate { get; set; }
    public double RequestFailRate { get; set; }
    /// <summary>Share of requests that index their items and then answer 500 (the client cannot know what happened).</summary>
    public double FailAfterIndexRate { get; set; }
    public double ItemRejectRate { get; set; }
    public double ItemUnavailableRate { get; set; }
    public double SlowRate { get; set; }
    public TimeSpan SlowDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxRandomDelay { get; set; }
    /// <summary>Once this many documents exist, every bulk request is refused with 429 (nothing created) until it is raised.</summary>
    public long RefuseBulkAtDocuments { get; set; } = long.MaxValue;

    /// <summary>Bodies longer than this get 413 with no body, as Elasticsearch answers a request over <c>http.max_content_length</c>.</summary>
    public long MaxContentLength { get; set; } = long.MaxValue;

    public long TooLarge;

    public long BulkRequests;

    /// <summary>The <c>filter_path</c> of the last bulk request (null: none); honoured as Elasticsearch does for the paths the relay asks.</summary>
    public volatile string? LastBulkFilterPath;
    public long Created;
    public long Conflicts;
    public long MappingErrors;
    public long InjectedFaults;

    public Uri Url => new($"http://127.0.0.1:{_port}");

    public IReadOnlyDictionary<string, byte[]> Documents => _documents;

    public static async Task<LoopbackElasticsearch> StartAsync()
    {
        var server = new LoopbackElasticsearch();
        await server.ListenAsync(0);
        return server;
    }

    /// <summary>Closes the listener: connections are refused until <see cref="ComeBackAsync"/>.</summary>
    public async Task DisappearAsync()
    {
        var app = _app;
        _app = null;
        if (app is not null)
        {
            await app.StopAsync(new CancellationTokenSource(TimeSpan.Zero).Token);
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same port, with the same documents.</summary>
    public Task ComeBackAsync() => ListenAsync(_port);

    public void Seed(int seed)
    {
        lock (_randomGate) _random = new Random(seed);
    }

    private bool Chance(double rate)
    {
        if (rate <= 0) return false;
        lock (_randomGate) return _random.NextDouble() < rate;
    }

    private async Task ListenAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 200 << 20;
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await app.StartAsync();
                break;
            }
            catch (IOException) when (attempt < 50)
            {
                // The old socket may linger a moment after a stop; the port is ours, try again.
                await Task.Delay(100);
            }
        }
        _port = new Uri(app.Urls.First()).Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers["X-Elastic-Product"] = "Elasticsearch";
        response.ContentType = "application/json";
        var request = context.Request;
        string path = request.Path.Value ?? "/";

        if (request.Method == "GET" && path == "/")
        {
            await response.WriteAsync("""{"name":"loopback","cluster_name":"flowrelay-test","cluster_uuid":"test","version":{"number":"9.1.0","build_flavor":"default","lucene_version":"10.2.2","minimum_wire_compatibility_version":"8.19.0","minimum_index_compatibility_version":"8.0.0"},"tagline":"You Know, for Search"}""");
            return;
        }
        if (request.Method == "PUT" && (path.StartsWith("/_index_template/") || path.StartsWith("/_component_template/") || path.StartsWith("/_ilm/policy/")))
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            string body = await reader.ReadToEndAsync();
            try
            {
                JsonDocument.Parse(body).Dispose();
            }
            catch (JsonException e)
            {
                response.StatusCode = 400;
                await response.WriteAsync(Error("parse_exception", e.Message, 400));
                return;
            }
            Templates[path] = body;
            await response.WriteAsync("""{"acknowledged":true}""");
            return;
        }
        if (request.Method == "POST" && (path == "/_bulk" || path.EndsWith("/_bulk")))
        {
            await BulkAsync(context);
            return;
        }
        response.StatusCode = 404;
        await response.WriteAsync(Error("resource_not_found_exception", $"no handler for [{request.Method} {path}]", 404));
    }

    private async Task BulkAsync(HttpContext context)
    {
        Interlocked.Increment(ref BulkRequests);
        string? filterPath = context.Request.Query["filter_path"].FirstOrDefault();
        LastBulkFilterPath = filterPath;
        // filter_path=errors,items.*.error,items.*.status (what the relay asks): items keep only status and error.
        bool onlyStatus = filterPath is not null && filterPath.Split(',').Contains("items.*.status");
        var response = context.Response;
        using var ms = new MemoryStream();
        await context.Request.Body.CopyToAsync(ms);
        byte[] body = ms.ToArray();
        if (body.Length > MaxContentLength)
        {
            Interlocked.Increment(ref TooLarge);
            response.StatusCode = 413;
            return;
        }

        TimeSpan delay = Chance(SlowRate) ? SlowDelay : TimeSpan.Zero;
        if (MaxRandomDelay > TimeSpan.Zero)
        {
            lock (_randomGate) delay += TimeSpan.FromMilliseconds(_random.NextDouble() * MaxRandomDelay.TotalMilliseconds);
        }
        if (delay > TimeSpan.Zero) await Task.Delay(delay);

        if (Interlocked.Read(ref Created) >= RefuseBulkAtDocuments || Chance(RequestRejectRate))
        {
            Interlocked.Increment(ref InjectedFaults);
            response.StatusCode = 429;
            await response.WriteAsync(Error("es_rejected_execution_exception", "rejected execution of coordinating operation", 429));
            return;
        }
        if (Chance(RequestFailRate))
        {
            Interlocked.Increment(ref InjectedFaults);
            response.StatusCode = 500;
            await response.WriteAsync(Error("internal_server_error", "injected failure", 500));
            return;
        }
        bool failAfter = Chance(FailAfterIndexRate);

        // Items are written first into their own buffer, so that "errors" can come before "items" as
        // in Elasticsearch's answers: {"took":..,"errors":..,"items":[..]}.
        using var itemsOut = new MemoryStream();
        bool errors = false;
        using (var json = new Utf8JsonWriter(itemsOut))
        {
            json.WriteStartArray();
            int pos = 0;
            while (pos < body.Length)
            {
                int nl = Array.IndexOf(body, (byte)'\n', pos);
                if (nl < 0) nl = body.Length;
                if (nl == pos)
                {
                    pos++;
                    continue;
                }
                using var action = JsonDocument.Parse(body.AsMemory(pos, nl - pos));
                pos = nl + 1;
                int docEnd = Array.IndexOf(body, (byte)'\n', pos);
                if (docEnd < 0) docEnd = body.Length;
                byte[] doc = body.AsSpan(pos, docEnd - pos).ToArray();
                pos = docEnd + 1;

                var op = action.RootElement.EnumerateObject().First();
                string index = op.Value.GetProperty("_index").GetString()!;
                string id = op.Value.GetProperty("_id").GetString()!;
                json.WriteStartObject();
                json.WriteStartObject(op.Name);
                if (!onlyStatus)
                {
                    json.WriteString("_index", index);
                    json.WriteString("_id", id);
                }
                int status;
                if (op.Name != "create")
                {
                    status = 400;
                    WriteItemError(json, "action_request_validation_exception", "data streams accept only create", status);
                }
                else if (Chance(ItemRejectRate))
                {
                    status = 429;
                    Interlocked.Increment(ref InjectedFaults);
                    WriteItemError(json, "es_rejected_execution_exception", "rejected execution of primary operation", status);
                }
                else if (Chance(ItemUnavailableRate))
                {
                    status = 503;
                    Interlocked.Increment(ref InjectedFaults);
                    WriteItemError(json, "unavailable_shards_exception", "primary shard is not active", status);
                }
                else if (MappingError(doc) is { } reason)
                {
                    status = 400;
                    Interlocked.Increment(ref MappingErrors);
                    WriteItemError(json, "document_parsing_exception", reason, status);
                }
                else if (_documents.TryAdd(index + "/" + id, doc))
                {
                    status = 201;
                    Interlocked.Increment(ref Created);
                    if (!onlyStatus)
                    {
                        json.WriteString("result", "created");
                        json.WriteNumber("_version", 1);
                    }
                }
                else
                {
                    status = 409;
                    Interlocked.Increment(ref Conflicts);
                    WriteItemError(json, "version_conflict_engine_exception", $"[{id}]: version conflict, document already exists (current version [1])", status);
                }
                errors |= status >= 300;
                json.WriteNumber("status", status);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        using var output = new MemoryStream();
        using (var json = new Utf8JsonWriter(output))
        {
            json.WriteStartObject();
            if (filterPath is null) json.WriteNumber("took", 1);
            json.WriteBoolean("errors", errors);
            json.WritePropertyName("items");
            json.WriteRawValue(itemsOut.ToArray(), skipInputValidation: true);
            json.WriteEndObject();
        }
        if (failAfter)
        {
            Interlocked.Increment(ref InjectedFaults);
            response.StatusCode = 500;
            await response.WriteAsync(Error("internal_server_error", "injected failure after indexing", 500));
            return;
        }
        await response.Body.WriteAsync(output.ToArray());
    }

    private string? MappingError(byte[] doc)
    {
        if (FieldTypes.Count == 0) return null;
        using var d = JsonDocument.Parse(doc);
        foreach (var (field, kind) in FieldTypes)
        {
            var e = d.RootElement;
            bool found = true;
            foreach (var part in field.Split('.'))
            {
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out e))
                {
                    found = false;
                    break;
                }
            }
            if (found && e.ValueKind != kind)
                return $"[1:1] failed to parse field [{field}] of type [{(kind == JsonValueKind.Number ? "long" : "keyword")}] in document";
        }
        return null;
    }

    private static void WriteItemError(Utf8JsonWriter json, string type, string reason, int status)
    {
        json.WriteStartObject("error");
        json.WriteString("type", type);
        json.WriteString("reason", reason);
        json.WriteEndObject();
    }

    private static string Error(string type, string reason, int status) =>
        JsonSerializer.Serialize(new { error = new { root_cause = new[] { new { type, reason } }, type, reason }, status });

    public async ValueTask DisposeAsync() => await DisappearAsync();
}
