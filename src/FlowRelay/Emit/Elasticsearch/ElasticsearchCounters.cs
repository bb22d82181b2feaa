using FlowRelay.Engine.Counters;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>Counters of the Elasticsearch output (stats.json and /metrics section <c>elasticsearch</c>; updated with Interlocked: requests run concurrently).</summary>
public sealed class ElasticsearchCounters : ICounterSource
{
    public string CounterSection => "elasticsearch";

    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("delivered", Interlocked.Read(ref Delivered)),
        new("already_present", Interlocked.Read(ref AlreadyPresent)),
        new("dead_lettered", Interlocked.Read(ref DeadLettered)),
        new("items_retried", Interlocked.Read(ref ItemsRetried)),
        new("requests", Interlocked.Read(ref Requests)),
        new("requests_failed", Interlocked.Read(ref RequestsFailed)),
        new("requests_split", Interlocked.Read(ref RequestsSplit)),
        new("bytes_sent", Interlocked.Read(ref BytesSent)),
        new("spool_refused", Interlocked.Read(ref SpoolRefused)),
    ];

    /// <summary>Events indexed (201/200).</summary>
    public long Delivered;
    /// <summary>Events Elasticsearch already had (409 on create: a resend after a retry or restart).</summary>
    public long AlreadyPresent;
    /// <summary>Events refused for good (mapping errors and other 4xx) and written to the dead-letter file.</summary>
    public long DeadLettered;
    /// <summary>Item retries after 429/5xx or a failed request.</summary>
    public long ItemsRetried;
    public long Requests;
    /// <summary>Requests that failed as a whole (unreachable, timeout, 429, 5xx).</summary>
    public long RequestsFailed;
    /// <summary>Requests answered 413 (over Elasticsearch's http.max_content_length) and sent again as two halves.</summary>
    public long RequestsSplit;
    public long BytesSent;
    /// <summary>Events not spooled (spool disposed or entry too large).</summary>
    public long SpoolRefused;
}
