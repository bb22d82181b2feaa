using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Spool;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.Tests.Elasticsearch;

/// <summary>
/// Spool → sender → official client → loopback Elasticsearch, with faults. "Exactly once by _id" is
/// checked on the server side: every event's _id is stored once, nothing else is stored, and every
/// create after the first for an _id was answered 409.
/// </summary>
public sealed class ElasticsearchDeliveryTests(ITestOutputHelper output) : IDisposable
{
    private const string Stream = "logs-flowrelay.flow-default";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>How long the server disappears in the fault test: FRTEST_ES_OUTAGE seconds (default 3; the "a minute" is 60).</summary>
    private static TimeSpan Outage =>
        TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("FRTEST_ES_OUTAGE"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 3);

    private DiskSpool OpenSpool(long max = 1L << 30) =>
        new(new SpoolOptions { Path = _dir.File("spool"), MaxBytes = max, SegmentBytes = 4 << 20, WhenFull = SpoolFullPolicy.Block }, NullLogger.Instance);

    private ElasticsearchSender Sender(DiskSpool spool, Uri url, ElasticsearchCounters counters, TimeSpan? timeout = null, int batch = 2000)
    {
        var settings = new ElasticsearchOutputSettings { Enabled = true, Urls = [url.ToString()], RequestTimeout = new Duration(timeout ?? TimeSpan.FromSeconds(10)) };
        var transport = new ClientBulkTransport(ElasticsearchConnection.CreateClient(settings));
        var options = new SenderOptions { BatchSize = batch, Concurrency = 2, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500) };
        return new ElasticsearchSender(spool, transport, new DeadLetterWriter(_dir.File("dead-letter"), NullLogger.Instance), options, counters, NullLogger.Instance);
    }

    private static void Fill(DiskSpool spool, int from, int count, Func<int, string>? doc = null)
    {
        for (int i = from; i < from + count; i++)
        {
            string d = doc?.Invoke(i) ?? $$$"""{"@timestamp":"2026-01-01T00:00:00.000Z","event":{"sequence":{{{i}}}},"source":{"port":{{{i % 65536}}}}}""";
            spool.Append(Stream, Encoding.ASCII.GetBytes("id-" + i.ToString(CultureInfo.InvariantCulture)), Encoding.UTF8.GetBytes(d));
            if (i % 1000 == 999) spool.Commit();
        }
        spool.Commit();
    }

    private static void AssertExactlyOnce(LoopbackElasticsearch server, int count)
    {
        Assert.Equal(count, server.Documents.Count);
        for (int i = 0; i < count; i++) Assert.True(server.Documents.ContainsKey($"{Stream}/id-{i}"), $"id-{i} missing");
        Assert.Equal(count, server.Created);
    }

    [Fact]
    public async Task Events_are_delivered_with_create_and_the_spool_is_acknowledged()
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        using var spool = OpenSpool();
        var counters = new ElasticsearchCounters();
        var sender = Sender(spool, server.Url, counters, batch: 300);
        Fill(spool, 0, 1000);
        await sender.StartAsync(default);
        Assert.True(await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(20)));
        await sender.StopAsync(default);
        AssertExactlyOnce(server, 1000);
        Assert.Equal(1000, counters.Delivered);
        Assert.Equal(0, counters.AlreadyPresent);
        var stored = JsonDocument.Parse(server.Documents[$"{Stream}/id-7"]).RootElement;
        Assert.Equal(7, stored.GetProperty("event").GetProperty("sequence").GetInt32());
        // The sender asks for the short answer (status and error per item), as Logstash and Beats do.
        Assert.Equal("errors,items.*.error,items.*.status", server.LastBulkFilterPath);
    }

    [Theory]
    [InlineData("""{"took":3,"errors":false,"items":[{"create":{"status":201}}]}""", true)]
    [InlineData("""{"errors":false,"items":[{"create":{"status":201}}]}""", true)]
    [InlineData("""{"took":3,"errors":true,"items":[{"create":{"status":409,"error":{"type":"version_conflict_engine_exception"}}}]}""", false)]
    [InlineData("""{"items":[{"create":{"status":201,"_id":"a\"b"}}],"errors":false}""", true)] // errors after items: read past them
    [InlineData("""{"items":[{"create":{"status":400}}],"errors":true}""", false)]
    [InlineData("""{"took":3,"items":[]}""", false)] // no errors flag: read every item
    [InlineData("""{"took":3,"errors":fal""", false)] // cut short
    [InlineData("", false)]
    public void The_answer_is_taken_as_all_created_only_when_it_says_errors_false(string answer, bool allCreated) =>
        Assert.Equal(allCreated, ElasticsearchSender.NoErrors(Encoding.UTF8.GetBytes(answer)));

    [Fact]
    public async Task Hundred_thousand_events_arrive_exactly_once_through_429s_500s_slow_answers_and_an_outage()
    {
        const int total = 100_000;
        await using var server = await LoopbackElasticsearch.StartAsync();
        server.RequestRejectRate = 0.10;
        server.RequestFailRate = 0.05;
        server.FailAfterIndexRate = 0.10;  // indexed, then 500: the resend must come back as 409s
        server.ItemRejectRate = 0.02;
        server.ItemUnavailableRate = 0.01;
        server.MaxRandomDelay = TimeSpan.FromMilliseconds(30);
        server.SlowRate = 0.03;
        server.SlowDelay = TimeSpan.FromMilliseconds(1500); // longer than the request timeout: indexed, but the client gave up
        using var spool = OpenSpool();
        var counters = new ElasticsearchCounters();
        var sender = Sender(spool, server.Url, counters, timeout: TimeSpan.FromSeconds(1));
        var sw = Stopwatch.StartNew();
        await sender.StartAsync(default);

        var feeder = Task.Run(() =>
        {
            for (int i = 0; i < total; i += 5000) Fill(spool, i, 5000);
        });
        // Part way through, the server goes away and comes back on the same port.
        Assert.True(await Eventually.HoldsAsync(() => server.Created > total / 4, TimeSpan.FromSeconds(30)));
        await server.DisappearAsync();
        long createdAtOutage = server.Created;
        await Task.Delay(Outage);
        await server.ComeBackAsync();
        await feeder;
        bool drained = await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(45));
        await sender.StopAsync(default);
        output.WriteLine($"{sw.Elapsed.TotalSeconds:F1}s (outage {Outage.TotalSeconds}s): {server.BulkRequests} bulk requests, {server.InjectedFaults} faults injected, " +
            $"{server.Conflicts} 409s, {counters.RequestsFailed} failed requests, {counters.ItemsRetried} item retries, created before outage {createdAtOutage}");
        Assert.True(drained, $"spool still holds {spool.Counters.EntriesWaiting}");
        output.WriteLine($"delivered {counters.Delivered}, already present {counters.AlreadyPresent}");
        AssertExactlyOnce(server, total);
        Assert.Equal(total, counters.Delivered + counters.AlreadyPresent);
        Assert.True(counters.AlreadyPresent > 0, "the fault mix should have produced resends answered 409");
        // The server also answered 409s the client never read (failed-after-indexing and timed-out requests retried).
        Assert.True(server.Conflicts >= counters.AlreadyPresent);
        Assert.True(counters.RequestsFailed > 0);
        Assert.Equal(0, counters.DeadLettered);
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_split_and_a_document_over_it_is_dead_lettered()
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        // 413 for bodies over 64 kB, as Elasticsearch answers over http.max_content_length.
        server.MaxContentLength = 64 * 1024;
        using var spool = OpenSpool();
        var counters = new ElasticsearchCounters();
        var sender = Sender(spool, server.Url, counters, batch: 2000);
        // 2000 documents of ~150 bytes (~300 kB a request) and one of 100 kB that fits no request.
        string big = new('x', 100 * 1024);
        Fill(spool, 0, 2000, i => i == 1234
            ? $$$"""{"message":"{{{big}}}"}"""
            : $$$"""{"@timestamp":"2026-01-01T00:00:00.000Z","event":{"sequence":{{{i}}}},"source":{"port":{{{i % 65536}}}},"message":"{{{new string('m', 64)}}}"}""");
        await sender.StartAsync(default);
        bool drained = await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(30));
        await sender.StopAsync(default);
        output.WriteLine($"requests {counters.Requests}, split {counters.RequestsSplit}, 413s {server.TooLarge}, delivered {counters.Delivered}, dead-lettered {counters.DeadLettered}");
        Assert.True(drained);
        Assert.Equal(1999, counters.Delivered);
        Assert.Equal(1999, server.Documents.Count);
        Assert.DoesNotContain($"{Stream}/id-1234", server.Documents.Keys);
        Assert.Equal(1, counters.DeadLettered);
        Assert.True(counters.RequestsSplit > 0);
        var letter = JsonDocument.Parse(Directory.GetFiles(_dir.File("dead-letter"), "dead-letter-*.ndjson").SelectMany(File.ReadAllLines).Single()).RootElement;
        Assert.Equal("id-1234", letter.GetProperty("_id").GetString());
        Assert.Equal(413, letter.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Mapping_errors_go_to_the_dead_letter_file_with_the_reason_and_the_rest_is_delivered()
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        server.FieldTypes["source.port"] = JsonValueKind.Number;
        using var spool = OpenSpool();
        var counters = new ElasticsearchCounters();
        var sender = Sender(spool, server.Url, counters);
        Fill(spool, 0, 500, i => i % 50 == 0
            ? $$$"""{"source":{"port":"not a port {{{i}}}"}}"""
            : $$$"""{"source":{"port":{{{i}}}}}""");
        await sender.StartAsync(default);
        bool drained = await Eventually.HoldsAsync(() => spool.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(20));
        await sender.StopAsync(default);
        output.WriteLine($"delivered {counters.Delivered}, dead-lettered {counters.DeadLettered}, requests {counters.Requests}, failed {counters.RequestsFailed}, mapping errors {server.MappingErrors}");
        Assert.True(drained);
        Assert.Equal(10, counters.DeadLettered);
        Assert.Equal(490, counters.Delivered);
        Assert.Equal(490, server.Documents.Count);
        var lines = Directory.GetFiles(_dir.File("dead-letter"), "dead-letter-*.ndjson").SelectMany(File.ReadAllLines).ToList();
        Assert.Equal(10, lines.Count);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(Stream, first.GetProperty("data_stream").GetString());
        Assert.Equal("id-0", first.GetProperty("_id").GetString());
        Assert.Equal(400, first.GetProperty("status").GetInt32());
        Assert.Equal("document_parsing_exception", first.GetProperty("error_type").GetString());
        Assert.Contains("source.port", first.GetProperty("reason").GetString());
        Assert.Equal("not a port 0", first.GetProperty("document").GetProperty("source").GetProperty("port").GetString());
    }

    [Fact]
    public async Task Killing_the_sender_mid_stream_and_restarting_over_the_same_spool_loses_nothing_and_duplicates_nothing()
    {
        const int total = 30_000;
        await using var server = await LoopbackElasticsearch.StartAsync();
        server.MaxRandomDelay = TimeSpan.FromMilliseconds(20);
        var counters1 = new ElasticsearchCounters();
        var spool1 = OpenSpool();
        Fill(spool1, 0, total);
        var sender1 = Sender(spool1, server.Url, counters1, batch: 500);
        await sender1.StartAsync(default);
        Assert.True(await Eventually.HoldsAsync(() => server.Created > total / 3, TimeSpan.FromSeconds(20)));
        // "Kill": cancel in the middle of requests and abandon the spool without closing it.
        using (var cts = new CancellationTokenSource())
        {
            cts.Cancel();
            await sender1.StopAsync(cts.Token);
        }
        long deliveredBefore = server.Created;
        Assert.True(deliveredBefore < total);

        using var spool2 = OpenSpool();
        long waiting = spool2.Counters.EntriesWaiting;
        Assert.True(waiting >= total - deliveredBefore);
        var counters2 = new ElasticsearchCounters();
        var sender2 = Sender(spool2, server.Url, counters2, batch: 500);
        await sender2.StartAsync(default);
        Assert.True(await Eventually.HoldsAsync(() => spool2.Counters.EntriesWaiting == 0, TimeSpan.FromSeconds(30)));
        await sender2.StopAsync(default);
        output.WriteLine($"before kill {deliveredBefore}, after restart delivered {counters2.Delivered}, 409 {counters2.AlreadyPresent}");
        AssertExactlyOnce(server, total);
        Assert.Equal(waiting, counters2.Delivered + counters2.AlreadyPresent);
        // Resent (answered 409) only what was in flight, unacknowledged, when the sender was killed: at most concurrency × batch.
        Assert.True(counters2.AlreadyPresent <= 2 * 500, $"{counters2.AlreadyPresent}");
        GC.KeepAlive(spool1);
    }
}
