using System.Buffers;
using System.Text.Json;
using FlowRelay.Spool;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>Tuning of <see cref="ElasticsearchSender"/>.</summary>
public sealed class SenderOptions
{
    public int BatchSize { get; init; } = 2000;
    public int BatchMaxBytes { get; init; } = 8 << 20;
    public int Concurrency { get; init; } = 2;
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Install the templates (as <c>setup elasticsearch</c> does) before the first bulk request.</summary>
    public bool SetupOnStart { get; init; }
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(30);
}

/// <summary>
/// Reads the spool and delivers it with bulk <c>create</c> requests, each item carrying the entry's
/// stored deterministic <c>_id</c>. Per item: 200/201 delivered; 409 already there (an earlier
/// attempt got through), counted as delivered; 429 and 5xx retried; any other status refused for
/// good and written to the dead-letter file with the reason. A whole request that fails (no answer,
/// timeout, 429, 5xx, 401/403) is retried. Retries wait a capped exponential backoff with jitter and
/// go on until the items are dealt with: the spool, not the sender, bounds what waits.
/// <para>
/// Up to <see cref="SenderOptions.Concurrency"/> batches are in flight; the spool position is
/// acknowledged only when every item of every batch read so far is dealt with, so a stop or crash
/// at any point resends at most the unacknowledged batches — as 409s.
/// </para>
/// </summary>
public sealed class ElasticsearchSender : BackgroundService
{
    private static readonly byte[] CreatePrefix = "{\"create\":{\"_index\":\""u8.ToArray();
    private static readonly byte[] IdPart = "\",\"_id\":\""u8.ToArray();
    private static readonly byte[] ActionEnd = "\"}}\n"u8.ToArray();

    private readonly DiskSpool _spool;
    private readonly IBulkTransport _transport;
    private readonly DeadLetterWriter _deadLetters;
    private readonly SenderOptions _options;
    private readonly ILogger _logger;

    public ElasticsearchSender(DiskSpool spool, IBulkTransport transport, DeadLetterWriter deadLetters, SenderOptions options,
        ElasticsearchCounters counters, ILogger logger)
    {
        _spool = spool;
        _transport = transport;
        _deadLetters = deadLetters;
        _options = options;
        Counters = counters;
        _logger = logger;
    }

    public ElasticsearchCounters Counters { get; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var batches = new SpoolBatch[_options.Concurrency];
        var bodies = new ArrayBufferWriter<byte>[_options.Concurrency];
        for (int i = 0; i < batches.Length; i++)
        {
            batches[i] = new SpoolBatch();
            bodies[i] = new ArrayBufferWriter<byte>(1 << 20);
        }
        var tasks = new Task[_options.Concurrency];
        // Whatever was read but not acknowledged by an earlier run of this sender is read again.
        _spool.Rewind();
        if (_options.SetupOnStart && _transport is ClientBulkTransport client) await SetupAsync(client, stoppingToken).ConfigureAwait(false);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int n = 0;
                while (n < batches.Length && _spool.Read(batches[n], _options.BatchSize, _options.BatchMaxBytes) > 0) n++;
                if (n == 0)
                {
                    await _spool.WaitForDataAsync(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                    continue;
                }
                for (int i = 0; i < n; i++) tasks[i] = DeliverAsync(batches[i], bodies[i], stoppingToken);
                try
                {
                    await Task.WhenAll(tasks.AsSpan(0, n)).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    // A bug or an unexpected failure must not stop delivery for good: read the batches again.
                    _logger.LogError(e, "elasticsearch: sending failed unexpectedly; retrying from the last acknowledged position");
                    _spool.Rewind();
                    await Task.Delay(Backoff(5), stoppingToken).ConfigureAwait(false);
                    continue;
                }
                for (int i = 0; i < n; i++) _spool.Acknowledge(batches[i].End, batches[i].Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is in flight stays unacknowledged in the spool and is resent next time.
        }
        finally
        {
            _spool.Rewind();
        }
    }

    /// <summary>Delivers every item of <paramref name="batch"/> (or dead-letters it); returns when all are dealt with.</summary>
    internal async Task DeliverAsync(SpoolBatch batch, ArrayBufferWriter<byte> body, CancellationToken ct)
    {
        var pending = new List<int>(batch.Count);
        for (int i = 0; i < batch.Count; i++) pending.Add(i);
        await DeliverItemsAsync(batch, pending, body, ct).ConfigureAwait(false);
    }

    private async Task DeliverItemsAsync(SpoolBatch batch, List<int> pending, ArrayBufferWriter<byte> body, CancellationToken ct)
    {
        int failures = 0;
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            BuildBody(batch, pending, body);
            Interlocked.Increment(ref Counters.Requests);
            Interlocked.Add(ref Counters.BytesSent, body.WrittenCount);
            BulkAttempt attempt;
            try
            {
                attempt = await _transport.SendAsync(body.WrittenMemory, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                attempt = new BulkAttempt(0, null, e.Message);
            }

            if (attempt.Status == 413 && pending.Count > 1)
            {
                // Larger than Elasticsearch's http.max_content_length: send each half on its own
                // (halving again while needed); a single document still too large is dead-lettered.
                Interlocked.Increment(ref Counters.RequestsSplit);
                int half = pending.Count / 2;
                await DeliverItemsAsync(batch, pending.GetRange(0, half), body, ct).ConfigureAwait(false);
                await DeliverItemsAsync(batch, pending.GetRange(half, pending.Count - half), body, ct).ConfigureAwait(false);
                return;
            }
            int before = pending.Count;
            string? failure = attempt.Status == 200 ? HandleItems(batch, pending, attempt.Body) : RequestFailure(batch, pending, attempt);
            if (pending.Count == 0) return;
            if (failure is not null)
            {
                long f = Interlocked.Increment(ref Counters.RequestsFailed);
                if (f <= 5 || f % 100 == 0)
                    _logger.LogWarning("elasticsearch: bulk request failed ({Failure}); {Count} events wait in the spool and are retried ({Failed} failed requests so far)",
                        failure, pending.Count, f);
            }
            Interlocked.Add(ref Counters.ItemsRetried, pending.Count);
            // Progress resets the backoff: only consecutive fruitless attempts grow it.
            failures = pending.Count < before ? 0 : failures + 1;
            await Task.Delay(Backoff(failures), ct).ConfigureAwait(false);
        }
    }

    private async Task SetupAsync(ClientBulkTransport client, CancellationToken ct)
    {
        for (int attempt = 0; !ct.IsCancellationRequested; attempt++)
        {
            try
            {
                var failures = await ElasticsearchSetup.InstallAsync(client.Client, _options.Retention, m => _logger.LogInformation("elasticsearch setup: {Step}", m), ct)
                    .ConfigureAwait(false);
                if (failures.Count == 0) return;
                _logger.LogError("elasticsearch setup: {Count} templates not installed: {First}; retrying", failures.Count, failures[0]);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.LogError("elasticsearch setup failed: {Error}; retrying", e.Message);
            }
            await Task.Delay(Backoff(Math.Min(attempt, 8)), ct).ConfigureAwait(false);
        }
    }

    /// <summary>Capped exponential backoff with "equal jitter": half fixed, half random.</summary>
    internal TimeSpan Backoff(int failures)
    {
        double max = _options.MaxBackoff.TotalMilliseconds;
        double d = Math.Min(max, _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30)));
        return TimeSpan.FromMilliseconds(d / 2 + Random.Shared.NextDouble() * d / 2);
    }

    private static void BuildBody(SpoolBatch batch, List<int> pending, ArrayBufferWriter<byte> body)
    {
        body.ResetWrittenCount();
        foreach (int i in pending)
        {
            body.Write(CreatePrefix);
            body.Write(batch.Stream(i));
            body.Write(IdPart);
            body.Write(batch.Id(i));
            body.Write(ActionEnd);
            body.Write(batch.Document(i));
            body.GetSpan(1)[0] = (byte)'\n';
            body.Advance(1);
        }
    }

    /// <summary>The request as a whole failed: retry everything, except a request Elasticsearch says is malformed.</summary>
    private string RequestFailure(SpoolBatch batch, List<int> pending, BulkAttempt attempt)
    {
        string what = attempt.Status == 0 ? attempt.Error ?? "no answer" : $"HTTP {attempt.Status}{(attempt.Error is null ? "" : ": " + attempt.Error)}";
        if (attempt.Status is 400 or 413)
        {
            // Retrying an identical request Elasticsearch cannot take would block the spool for ever.
            var letters = pending.Select(i => Letter(batch, i, attempt.Status, "request_rejected", what)).ToList();
            _deadLetters.Write(letters);
            Interlocked.Add(ref Counters.DeadLettered, letters.Count);
            pending.Clear();
        }
        return what;
    }

    /// <summary>Sorts the items of a 200 answer; leaves the retryable ones in <paramref name="pending"/>. Returns a failure text or null.</summary>
    private string? HandleItems(SpoolBatch batch, List<int> pending, byte[]? body)
    {
        if (NoErrors(body))
        {
            // Elasticsearch says every item succeeded: no need to read 2,000 item objects.
            Interlocked.Add(ref Counters.Delivered, pending.Count);
            pending.Clear();
            return null;
        }
        List<(int Status, string Type, string Reason)> items;
        try
        {
            items = ParseItems(body);
        }
        catch (JsonException e)
        {
            return "unreadable bulk answer: " + e.Message;
        }
        if (items.Count != pending.Count) return $"bulk answer has {items.Count} items for {pending.Count} sent";

        var retry = new List<int>();
        List<DeadLetter>? letters = null;
        for (int k = 0; k < items.Count; k++)
        {
            var (status, type, reason) = items[k];
            int i = pending[k];
            if (status is 200 or 201) Interlocked.Increment(ref Counters.Delivered);
            else if (status == 409) Interlocked.Increment(ref Counters.AlreadyPresent);
            else if (status == 429 || status >= 500) retry.Add(i);
            else (letters ??= []).Add(Letter(batch, i, status, type, reason));
        }
        if (letters is not null)
        {
            _deadLetters.Write(letters);
            long total = Interlocked.Add(ref Counters.DeadLettered, letters.Count);
            if (total == letters.Count || total / 1000 > (total - letters.Count) / 1000)
                _logger.LogError("elasticsearch: {Count} events refused ({Type}: {Reason}); written to the dead-letter files in {Path} ({Total} so far)",
                    letters.Count, letters[0].ErrorType, letters[0].Reason, _deadLetters.DirectoryPath, total);
        }
        pending.Clear();
        pending.AddRange(retry);
        return null;
    }

    private static DeadLetter Letter(SpoolBatch batch, int i, int status, string type, string reason) =>
        new(batch.StreamString(i), batch.IdString(i), status, type, reason, batch.Document(i).ToArray());

    /// <summary>
    /// True when the bulk answer's top-level <c>errors</c> is <c>false</c> (every item created).
    /// Elasticsearch writes it before <c>items</c>, so this reads a few bytes of the answer.
    /// </summary>
    internal static bool NoErrors(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isErrors = reader.ValueTextEquals("errors"u8);
                if (!reader.Read()) return false;
                if (isErrors) return reader.TokenType == JsonTokenType.False;
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Unreadable: the full parse reports it.
        }
        return false;
    }

    /// <summary>Status, error type and reason of every item of a bulk answer, in request order.</summary>
    internal static List<(int Status, string Type, string Reason)> ParseItems(byte[]? body)
    {
        if (body is null || body.Length == 0) throw new JsonException("empty body");
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            throw new JsonException("no items array");
        var result = new List<(int, string, string)>(items.GetArrayLength());
        foreach (var item in items.EnumerateArray())
        {
            var op = item.EnumerateObject().First().Value;
            int status = op.TryGetProperty("status", out var s) ? s.GetInt32() : 0;
            string type = "", reason = "";
            if (op.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    type = error.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
                    reason = error.TryGetProperty("reason", out var r) ? r.GetString() ?? "" : "";
                    if (error.TryGetProperty("caused_by", out var c) && c.TryGetProperty("reason", out var cr))
                        reason += " (caused by: " + cr.GetString() + ")";
                }
                else
                {
                    reason = error.ToString();
                }
            }
            result.Add((status, type, reason));
        }
        return result;
    }
}
