using System.Diagnostics;
using System.Text;
using FlowRelay.Engine.Counters;
using FlowRelay.Engine.Dns;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules;
using FlowRelay.Ingest.Files;
using FlowRelay.Ingest.Syslog;
using FlowRelay.Protocols.Cef;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Syslog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Pipeline.Dns;

/// <summary>
/// The single reader of the <see cref="LogChannel"/>: syslog header → CEF or DNS log line →
/// <see cref="DnsEvent"/> batch → answers to the flow side's DNS join → rules (network/dns) → sinks. One
/// <see cref="DnsLogReader"/> per (input, sender, program), so format detection and the
/// dnsmasq/Unbound line joining never mix two resolvers' lines. File positions are acknowledged
/// only after the sinks have the events and have flushed them.
/// </summary>
public sealed class DnsPipeline : BackgroundService, ICounterSource
{
    /// <summary>Events per batch before the sinks run; the batch also goes whenever the queue is empty.</summary>
    public const int BatchSize = 1024;

    // Readers held at once; beyond this (a flood of senders or program names) they are flushed and started afresh.
    private const int MaxReaders = 4096;
    private const int MaxInternedStrings = 4096;

    private readonly LogChannel _channel;
    private readonly PublicSuffixList _suffixes;
    private readonly IDnsEventSink[] _sinks;
    private readonly DnsAnswerFeed? _answers;
    private readonly IDnsRuleStage? _rules;
    private readonly FilePositionStore? _positions;
    private readonly SyslogParserOptions _syslogOptions;
    private readonly ILogger<DnsPipeline> _logger;
    private readonly TimeProvider _time;
    private readonly EventBatch<DnsEvent> _batch = new(BatchSize * 2);
    private readonly List<DnsQueryRecord> _records = new(16);
    private readonly Dictionary<ReaderKey, ReaderState> _readers = new();
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<FileTailSource, (ulong Inode, long Offset)> _pendingAcks = new();
    private readonly TimeSpan _checkpointInterval;
    private long _lastCheckpoint;
    private long _lastExpire;

    public DnsPipeline(LogChannel channel, PublicSuffixList suffixes, IEnumerable<IDnsEventSink> sinks, SyslogParserOptions syslogOptions,
        ILogger<DnsPipeline> logger, DnsAnswerFeed? answers = null, FilePositionStore? positions = null, TimeProvider? time = null,
        TimeSpan? checkpointInterval = null, IDnsRuleStage? rules = null)
    {
        _rules = rules;
        _channel = channel;
        _suffixes = suffixes;
        _sinks = sinks.ToArray();
        _answers = answers;
        _positions = positions;
        _syslogOptions = syslogOptions;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _checkpointInterval = checkpointInterval ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>DNS events handed to the sinks.</summary>
    public long Events;

    /// <summary>CEF events handed to the sinks.</summary>
    public long CefEvents;

    /// <summary>Unexpected exceptions from a stage (should stay 0; each is logged).</summary>
    public long StageErrors;

    /// <inheritdoc />
    public string CounterSection => "dns_pipeline";

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, long>> ReadCounters() =>
    [
        new("events", Volatile.Read(ref Events)), new("cef_events", Volatile.Read(ref CefEvents)),
        new("stage_errors", Interlocked.Read(ref StageErrors)), new("queue_depth", _channel.Count), new("queue_capacity", _channel.Capacity),
        new("answers_queued", _answers is null ? 0 : Volatile.Read(ref _answers.Queued)),
        new("answers_dropped", _answers is null ? 0 : Volatile.Read(ref _answers.Dropped)),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _channel.Reader;
        _lastCheckpoint = Stopwatch.GetTimestamp();
        Task<bool>? waiting = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (reader.TryRead(out var message))
                {
                    Process(message);
                    if (_batch.Count >= BatchSize) RunBatch();
                }
                RunBatch();
                Housekeeping(force: false);
                waiting ??= reader.WaitToReadAsync(stoppingToken).AsTask();
                if (!waiting.IsCompleted) await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken)).ConfigureAwait(false);
                if (waiting.IsCompleted)
                {
                    if (waiting.IsCanceled || waiting.IsFaulted || !waiting.Result) break;
                    waiting = null;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // The inputs stop first (hosted services stop in reverse order): drain what they left.
            while (reader.TryRead(out var message))
            {
                Process(message);
                if (_batch.Count >= BatchSize) RunBatch();
            }
            foreach (var r in _readers.Values) FlushReader(r, long.MaxValue);
            _readers.Clear();
            RunBatch();
            Housekeeping(force: true);
            foreach (var sink in _sinks) Try(sink.Name, sink.Close);
            _logger.LogInformation("dns pipeline stopped: {Events} DNS events, {Cef} CEF events emitted", Events, CefEvents);
        }
    }

    /// <summary>Processes one message (public for tests that drive the pipeline without a host).</summary>
    internal void Process(in LogMessage message)
    {
        try
        {
            ProcessMessage(message);
            if (message.Source is FileTailSource file && message.EndOffset >= 0) _pendingAcks[file] = (message.Inode, message.EndOffset);
        }
        catch (Exception e)
        {
            StageFailed("parse", e);
        }
        finally
        {
            LogChannel.Release(message);
        }
    }

    private void ProcessMessage(in LogMessage message)
    {
        var source = message.Source;
        var counters = source.Counters;
        ReadOnlySpan<byte> body = message.Span;
        long headerNs = 0;
        bool zoned = false;
        string? host = null, app = null;
        int appHash = 0;
        if (source.SyslogFramed)
        {
            var status = SyslogParser.Parse(body, message.ReceivedNs, _syslogOptions, out var syslog);
            counters.SyslogStatus[(int)status]++;
            if (status != SyslogParseStatus.Ok) return;
            body = syslog.Message;
            headerNs = syslog.TimestampUnixNs;
            zoned = syslog.ZoneKnown;
            host = Intern(syslog.Hostname);
            app = Intern(syslog.AppName);
            appHash = app?.GetHashCode() ?? 0;
        }
        // RFC 3164 parsing takes "CEF" for the TAG of "host CEF:0|...", so the marker is looked for
        // in the whole message; the CEF parser skips everything before it.
        int cefAt = message.Span.IndexOf("CEF:"u8);
        if (cefAt >= 0 && (body.IndexOf("CEF:"u8) >= 0 || IsCefTag(message.Span, cefAt)))
        {
            ProcessCef(message.Span[cefAt..], message, headerNs, host);
            return;
        }
        var key = new ReaderKey(source, message.Sender, appHash);
        if (!_readers.TryGetValue(key, out var state))
        {
            if (_readers.Count >= MaxReaders)
            {
                foreach (var r in _readers.Values) FlushReader(r, long.MaxValue);
                _readers.Clear();
            }
            state = new ReaderState(new DnsLogReader(source.Format), source, message.Sender, host, app);
            _readers[key] = state;
        }
        _records.Clear();
        var dnsStatus = state.Reader.Read(body, message.ReceivedNs, _records);
        counters.DnsStatus[(int)dnsStatus]++;
        Emit(state, headerNs, zoned, message.ReceivedNs);
    }

    private void Emit(ReaderState state, long headerNs, bool zoned, long receivedNs)
    {
        foreach (var record in _records)
        {
            ref var e = ref _batch.Add();
            e = DnsEvent.Create(record, headerNs, zoned, receivedNs, _suffixes);
            e.Observer = state.Sender;
            e.ObserverHostname = state.Host;
            e.AppName = state.App;
            e.Input = state.Source.Name;
            state.Source.Counters.DnsEvents++;
        }
        _records.Clear();
    }

    /// <summary>
    /// Lets out what a reader holds: dnsmasq queries whose answers stopped coming (older than the
    /// joiner's age limit), or everything at <see cref="long.MaxValue"/> (shutdown).
    /// </summary>
    private void FlushReader(ReaderState state, long nowNs)
    {
        _records.Clear();
        if (nowNs == long.MaxValue) state.Reader.Flush(_records);
        else state.Reader.Joiner.Expire(nowNs, _records);
        if (_records.Count > 0) Emit(state, 0, false, UnixNs(_time.GetUtcNow()));
    }

    // "CEF:" right after a space (a header's last field), not inside a DNS name or log text.
    private static bool IsCefTag(ReadOnlySpan<byte> raw, int at) => at == 0 || raw[at - 1] == ' ' || raw[at - 1] == '>';

    private void ProcessCef(ReadOnlySpan<byte> body, in LogMessage message, long headerNs, string? host)
    {
        var counters = message.Source.Counters;
        var status = CefParser.Parse(body, out var cef);
        if (cef is null || status is not (CefParseStatus.Ok or CefParseStatus.BadExtension))
        {
            counters.CefErrors++;
            return;
        }
        if (status == CefParseStatus.BadExtension) counters.CefErrors++;
        counters.CefEvents++;
        var input = new CefInputEvent(cef, headerNs, message.ReceivedNs, message.Sender, host, message.Source.Name, message.Truncated);
        foreach (var sink in _sinks)
        {
            try
            {
                sink.WriteCef(input);
            }
            catch (Exception e)
            {
                StageFailed(sink.Name, e);
            }
        }
        CefEvents++;
    }

    private void RunBatch()
    {
        if (_batch.Count > 0)
        {
            var events = _batch.Items;
            if (_answers is not null)
            {
                try
                {
                    foreach (ref readonly var e in events) _answers.Add(e);
                }
                catch (Exception e)
                {
                    StageFailed("dns-answers", e);
                }
            }
            if (_rules is not null)
            {
                try
                {
                    _rules.Evaluate(events);
                }
                catch (Exception e)
                {
                    StageFailed("rules", e);
                }
            }
            foreach (var sink in _sinks)
            {
                try
                {
                    sink.Write(events);
                }
                catch (Exception e)
                {
                    StageFailed(sink.Name, e);
                }
            }
            Events += events.Length;
            _batch.Clear();
        }
        // Lines whose events are now with the sinks may be acknowledged (made durable at the next checkpoint).
        if (_pendingAcks.Count > 0 && _positions is not null)
        {
            foreach (var (file, pos) in _pendingAcks) _positions.Stage(file.Path, pos.Inode, pos.Offset);
            _pendingAcks.Clear();
        }
    }

    private void Housekeeping(bool force)
    {
        var now = _time.GetUtcNow();
        foreach (var sink in _sinks) Try(sink.Name, () => sink.Tick(now));
        long ts = Stopwatch.GetTimestamp();
        if (force || Stopwatch.GetElapsedTime(_lastExpire, ts) >= TimeSpan.FromSeconds(1))
        {
            _lastExpire = ts;
            long nowNs = UnixNs(now);
            foreach (var state in _readers.Values)
                if (state.Reader.Format == DnsLogFormat.Dnsmasq) FlushReader(state, nowNs);
            if (_batch.Count > 0) RunBatch();
        }
        if (_positions is not null && (force || Stopwatch.GetElapsedTime(_lastCheckpoint, ts) >= _checkpointInterval) && _positions.HasStaged)
        {
            _lastCheckpoint = ts;
            // Positions are saved only after the sinks flushed the events of those lines: a crash
            // re-reads at most the lines after the last checkpoint, never skips one.
            foreach (var sink in _sinks) Try(sink.Name, sink.Flush);
            Try("file-positions", _positions.Save);
        }
    }

    private string? Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return null;
        if (utf8.Length > 255) return Encoding.UTF8.GetString(utf8);
        Span<char> chars = stackalloc char[256];
        int n = Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..n], out var s)) return s;
        if (_strings.Count >= MaxInternedStrings) _strings.Clear();
        s = new string(chars[..n]);
        _strings[s] = s;
        return s;
    }

    private void Try(string stage, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            StageFailed(stage, e);
        }
    }

    private void StageFailed(string stage, Exception e)
    {
        long n = Interlocked.Increment(ref StageErrors);
        if (n <= 10 || n % 10000 == 0)
            _logger.LogError(e, "dns pipeline: {Stage} failed ({Count} failures so far)", stage, n);
    }

    private static long UnixNs(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;

    private readonly record struct ReaderKey(LogSource Source, IpAddr Sender, int AppHash);

    private sealed record ReaderState(DnsLogReader Reader, LogSource Source, IpAddr Sender, string? Host, string? App);
}
