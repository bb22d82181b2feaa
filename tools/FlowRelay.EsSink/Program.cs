using System.Buffers;
using System.Net;

namespace FlowRelay.EsSink;

/// <summary>
/// The Elasticsearch stand-in for load tests (scripts/loadtest.sh, receiver "es"): a loopback HTTP
/// server that answers the requests the relay's Elasticsearch output makes as Elasticsearch does
/// (<c>X-Elastic-Product: Elasticsearch</c>, product info on <c>GET /</c>, <c>POST /_bulk</c> with
/// one item per action, in order, each 201 created) and counts what it was sent, without keeping
/// the documents. It is built to cost as little as it can: it shares the machine with the relay.
/// The fault-injecting server the tests use is tests/FlowRelay.Tests/Support/LoopbackElasticsearch.cs.
/// <c>GET /_sink/stats</c> returns the counts.
/// </summary>
public static class Program
{
    private static long _requests, _items, _bytes, _malformed;

    public static int Main(string[] args)
    {
        var listen = new IPEndPoint(IPAddress.Loopback, 0);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--listen" && i + 1 < args.Length && IPEndPoint.TryParse(args[++i], out var ep) && IPAddress.IsLoopback(ep.Address)) listen = ep;
            else
            {
                Console.Error.WriteLine("usage: flowrelay-es-sink [--listen 127.0.0.1:PORT]   (loopback only; port 0: any free port)");
                return 2;
            }
        }
        // Content root in the tool's own folder: the default (the current directory) puts a recursive
        // file watcher (appsettings reload) over wherever the load test runs, which is where the relay
        // writes its spool, and the watcher then wakes for every write (2% of a run's CPU).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(listen);
            k.Limits.MaxRequestBodySize = 200 << 20;
        });
        var app = builder.Build();
        app.Run(HandleAsync);
        app.Start();
        // The script reads the port from this line.
        Console.WriteLine($"listening on {app.Urls.First()}");
        app.WaitForShutdown();
        Console.WriteLine(Stats());
        return 0;
    }

    private static string Stats() =>
        $"{{\"bulk_requests\":{Interlocked.Read(ref _requests)},\"items\":{Interlocked.Read(ref _items)},\"bytes\":{Interlocked.Read(ref _bytes)},\"malformed\":{Interlocked.Read(ref _malformed)}}}";

    private static async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers["X-Elastic-Product"] = "Elasticsearch";
        response.ContentType = "application/json";
        var request = context.Request;
        string path = request.Path.Value ?? "/";
        if (request.Method == "GET" && path == "/")
        {
            await response.WriteAsync("""{"name":"flowrelay-es-sink","cluster_name":"loadtest","cluster_uuid":"loadtest","version":{"number":"9.1.0","build_flavor":"default","lucene_version":"10.2.2","minimum_wire_compatibility_version":"8.19.0","minimum_index_compatibility_version":"8.0.0"},"tagline":"You Know, for Search"}""");
        }
        else if (request.Method == "GET" && path == "/_sink/stats")
        {
            await response.WriteAsync(Stats());
        }
        else if (request.Method == "PUT")
        {
            await request.Body.CopyToAsync(Stream.Null);
            await response.WriteAsync("""{"acknowledged":true}""");
        }
        else if (request.Method == "POST" && path.EndsWith("/_bulk", StringComparison.Ordinal))
        {
            await BulkAsync(context);
        }
        else
        {
            response.StatusCode = 404;
            await response.WriteAsync($$"""{"error":{"type":"resource_not_found_exception","reason":"no handler for [{{request.Method}} {{path}}]"},"status":404}""");
        }
    }

    private static async Task BulkAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        // filter_path=errors,items.*.error,items.*.status (what the relay asks): items with their
        // status only, so the body need not be copied: its lines are counted where Kestrel holds them.
        string? filterPath = context.Request.Query["filter_path"].FirstOrDefault();
        bool onlyStatus = filterPath is not null && filterPath.Split(',').Contains("items.*.status");
        var reader = context.Request.BodyReader;
        if (onlyStatus)
        {
            var counter = new BulkItemCounter();
            while (true)
            {
                var read = await reader.ReadAsync();
                foreach (var segment in read.Buffer) counter.Add(segment.Span);
                reader.AdvanceTo(read.Buffer.End);
                if (read.IsCompleted) break;
            }
            Interlocked.Add(ref _bytes, counter.Bytes);
            Interlocked.Add(ref _items, counter.Items);
            WriteStatusOnlyAnswer(counter.Items, context.Response.BodyWriter);
            await context.Response.BodyWriter.FlushAsync();
            return;
        }
        var input = new ArrayBufferWriter<byte>(1 << 20);
        var body = context.Request.Body;
        while (true)
        {
            int n = await body.ReadAsync(input.GetMemory(1 << 16));
            if (n == 0) break;
            input.Advance(n);
        }
        Interlocked.Add(ref _bytes, input.WrittenCount);
        var output = new ArrayBufferWriter<byte>(input.WrittenCount / 8 + 1024);
        int items = Respond(input.WrittenSpan, output);
        Interlocked.Add(ref _items, items);
        await context.Response.Body.WriteAsync(output.WrittenMemory);
    }

    private static readonly byte[] ItemStart = "{\"create\":{\"_index\":\""u8.ToArray();
    private static readonly byte[] ItemId = "\",\"_id\":\""u8.ToArray();
    private static readonly byte[] ItemEnd = "\",\"_version\":1,\"result\":\"created\",\"status\":201}}"u8.ToArray();
    private const string StatusItem = "{\"create\":{\"status\":201}}";
    // 1,024 status-only items, comma-led, written in slices.
    private static readonly byte[] StatusItems = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("," + StatusItem, 1024)));

    /// <summary>Writes the bulk answer for <paramref name="body"/> (action and document lines alternating); returns the items.</summary>
    internal static int Respond(ReadOnlySpan<byte> body, ArrayBufferWriter<byte> output, bool onlyStatus = false)
    {
        if (onlyStatus)
        {
            var counter = new BulkItemCounter();
            counter.Add(body);
            WriteStatusOnlyAnswer(counter.Items, output);
            return counter.Items;
        }
        output.Write("""{"took":1,"errors":false,"items":["""u8);
        int items = 0;
        while (!body.IsEmpty)
        {
            int nl = body.IndexOf((byte)'\n');
            var action = nl < 0 ? body : body[..nl];
            body = nl < 0 ? default : body[(nl + 1)..];
            if (action.IsEmpty) continue;
            int docEnd = body.IndexOf((byte)'\n');
            body = docEnd < 0 ? default : body[(docEnd + 1)..];
            if (items++ > 0) output.Write(","u8);
            output.Write(ItemStart);
            output.Write(Value(action, "\"_index\":\""u8));
            output.Write(ItemId);
            output.Write(Value(action, "\"_id\":\""u8));
            output.Write(ItemEnd);
        }
        output.Write("]}"u8);
        return items;
    }

    /// <summary>The answer Elasticsearch gives under the relay's filter_path when all <paramref name="items"/> were created.</summary>
    internal static void WriteStatusOnlyAnswer(int items, IBufferWriter<byte> output)
    {
        output.Write("""{"errors":false,"items":["""u8);
        int itemBytes = StatusItems.Length / 1024;
        for (int left = items; left > 0;)
        {
            int n = Math.Min(left, 1024);
            // The first item of the answer without its leading comma.
            var slice = StatusItems.AsSpan(0, n * itemBytes);
            output.Write(left == items ? slice[1..] : slice);
            left -= n;
        }
        output.Write("]}"u8);
    }

    /// <summary>
    /// The items of a bulk body counted from its lines, two per item (action, document), fed a piece
    /// at a time as the body arrives; the relay sends no empty lines. A last line without its
    /// newline still counts.
    /// </summary>
    internal struct BulkItemCounter
    {
        private long _newlines;
        private bool _lastLineOpen;

        /// <summary>Body bytes seen.</summary>
        public long Bytes { get; private set; }

        public readonly int Items => (int)((_newlines + (_lastLineOpen ? 1 : 0)) / 2);

        public void Add(ReadOnlySpan<byte> piece)
        {
            if (piece.IsEmpty) return;
            _newlines += piece.Count((byte)'\n');
            _lastLineOpen = piece[^1] != (byte)'\n';
            Bytes += piece.Length;
        }
    }

    /// <summary>The string after <paramref name="name"/> in an action line, up to its closing quote (the relay never escapes quotes in these).</summary>
    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> action, ReadOnlySpan<byte> name)
    {
        int at = action.IndexOf(name);
        if (at < 0)
        {
            Interlocked.Increment(ref _malformed);
            return default;
        }
        var rest = action[(at + name.Length)..];
        int end = rest.IndexOf((byte)'"');
        return end < 0 ? rest : rest[..end];
    }
}
