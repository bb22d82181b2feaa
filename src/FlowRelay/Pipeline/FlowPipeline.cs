using System.Diagnostics;
using System.Net;
using FlowRelay.Config;
using FlowRelay.Emit;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules;
using FlowRelay.Ingest;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;
using FlowRelay.Stats;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Pipeline;

/// <summary>
/// The flow pipeline, in batches, on three threads:
/// <list type="number">
/// <item>The single reader of the packet queue: Decode → Enrich. It owns the decoder (not
/// thread-safe), so everything that touches decoder state — expiry, template persistence, counter
/// snapshots — happens on this loop, as does every enricher's state.</item>
/// <item>The rule stage (<c>flowrelay-rules</c>): the Sigma rules, correlation windows, threat
/// index and alerts, batch after batch in order.</item>
/// <item>The emitter (<c>flowrelay-emit</c>): each finished batch to the sinks (ECS documents,
/// the spool, CEF) and their time-driven work. Every sink method is called from this thread only.</item>
/// </list>
/// Batches go round a small fixed pool, so the three work on different batches at once. When
/// every batch is queued behind a slower stage, the reader waits for one to come back, the packet
/// queue fills, and the receivers drop and count at the socket: back-pressure, never unbounded
/// memory.
/// </summary>
public sealed class FlowPipeline : BackgroundService
{
    /// <summary>
    /// Events per batch before the later stages run; a shorter batch goes when the queue has been
    /// dry for <see cref="BatchLinger"/>, so a quiet relay does not hold events back. 4096 rather
    /// than 1024: a quarter of the handovers, so the later threads sleep and wake a quarter as
    /// often (at a million records a second that was about a tenth of the rule thread's time), at
    /// 6 × 8192 pooled events.
    /// </summary>
    public const int BatchSize = 4096;

    private readonly RelaySettings _settings;
    private readonly PacketChannel _channel;
    private readonly IFlowEnricher[] _enrichers;
    private readonly IFlowRuleStage _rules;
    private readonly IFlowEventSink[] _sinks;
    private readonly TemplateStore _templateStore;
    private readonly PipelineCounters _counters;
    private readonly ILogger<FlowPipeline> _logger;
    private readonly TimeProvider _time;
    private EventBatch<FlowEvent> _batch;
    private readonly TimeSpan _tick;

    /// <summary>
    /// How long a batch short of <see cref="BatchSize"/> may wait for more packets once the queue
    /// runs dry, in 1 ms sleeps, before it goes to the later stages anyway. Without it the reader
    /// flushed whenever it caught up, which below full load is after nearly every packet: at
    /// 300,000 records a second the rule thread woke about 4,300 times a second for batches of
    /// about 70 records, and each batch's fixed costs (waking the later threads, starting the
    /// enrichers' and the rule engine's prefetch pipelines) made a record cost about twice what it
    /// costs in full batches (docs/performance.md). A flow record is already seconds old when its
    /// exporter sends it, so a few milliseconds more do not matter.
    /// </summary>
    public static readonly TimeSpan BatchLinger = TimeSpan.FromMilliseconds(5);

    private long _batchStarted;

    /// <summary>Batches in the pool: one filling, the rest with the later stages or waiting for them.</summary>
    public const int Batches = 6;
    private readonly BatchQueue _toRules = new();
    private readonly BatchQueue _toEmit = new();
    private readonly BatchQueue _free = new();
    private Thread? _ruleThread;
    private Thread? _emitter;
    private FlowDecoder? _decoder;
    private long _lastExpire;
    private long _lastPersist;
    private long _persistedFingerprint;

    public FlowPipeline(RelaySettings settings, PacketChannel channel, IEnumerable<IFlowEnricher> enrichers, IFlowRuleStage rules,
        IEnumerable<IFlowEventSink> sinks, TemplateStore templateStore, PipelineCounters counters, ILogger<FlowPipeline> logger,
        TimeProvider? time = null)
    {
        _settings = settings;
        _channel = channel;
        _sinks = sinks.ToArray();
        // The detection path (no sink writes flows): skip what only documents carry (Community ID,
        // the service name); rules and alert samples compute those on demand.
        bool documents = _sinks.Any(s => s.WritesFlows);
        _enrichers = enrichers.Where(e => documents || !e.DocumentsOnly).ToArray();
        _rules = rules;
        _templateStore = templateStore;
        _counters = counters;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        // Wake at least this often when idle: sinks flush on time, stats snapshots get answered.
        var flush = settings.Outputs.Ndjson.FlushInterval.Value;
        _tick = flush < TimeSpan.FromSeconds(1) ? flush : TimeSpan.FromSeconds(1);
        _batch = new EventBatch<FlowEvent>(BatchSize * 2);
        for (int i = 1; i < Batches; i++) _free.Post(new EventBatch<FlowEvent>(BatchSize * 2));
        counters.BatchQueueDepths = () => (_toRules.Count, _toEmit.Count);
    }

    /// <summary>The enrichers this pipeline runs, in order (without those only documents need when no sink writes flows).</summary>
    internal IReadOnlyList<IFlowEnricher> Enrichers => _enrichers;

    /// <summary>Builds the decoder options from the templates and exporters settings.</summary>
    public static FlowDecoderOptions DecoderOptions(RelaySettings settings)
    {
        var rates = new Dictionary<IpAddr, uint>();
        foreach (var e in settings.Exporters)
        {
            if (e.SamplingRate > 0 && ExporterSettings.TryParseAddress(e.Address, out var a)) rates[IpAddr.From(a)] = e.SamplingRate;
        }
        var t = settings.Templates;
        return new FlowDecoderOptions
        {
            TemplateTimeout = t.Timeout.Value,
            MaxTemplates = t.MaxTemplates,
            MaxExporters = t.MaxExporters,
            PendingMaxBytes = (int)Math.Min(int.MaxValue, t.PendingMaxBytes.Bytes),
            PendingMaxAge = t.PendingMaxAge.Value,
            ConfiguredSamplingRate = rates.Count == 0 ? null : ip => rates.TryGetValue(ip, out var r) ? r : 0,
        };
    }

    /// <summary>Creates the decoder and loads saved templates before the receivers start.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _decoder = new FlowDecoder(DecoderOptions(_settings));
        _templateStore.Load(_decoder.Templates);
        _persistedFingerprint = TemplateFingerprint();
        _lastExpire = _lastPersist = Stopwatch.GetTimestamp();
        _counters.Publish(DecoderSnapshot.Take(_decoder, _time.GetUtcNow()));
        _ruleThread = new Thread(RuleLoop) { IsBackground = true, Name = "flowrelay-rules" };
        _ruleThread.Start();
        _emitter = new Thread(EmitLoop) { IsBackground = true, Name = "flowrelay-emit" };
        _emitter.Start();
        return base.StartAsync(cancellationToken);
    }

    /// <summary>
    /// The reader runs on a thread of its own (<c>flowrelay-decode</c>), not on the thread pool:
    /// when the UDP receive loops still ran on the pool, sharing it with them made decoding wait
    /// behind their continuations at high rates (they have threads of their own now too,
    /// <see cref="UdpReceiveLoop"/>).
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => ReadLoop(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void ReadLoop(CancellationToken stoppingToken)
    {
        Thread.CurrentThread.Name = "flowrelay-decode";
        var reader = _channel.Reader;
        Task<bool>? waiting = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                int taken = 0;
                while (reader.TryRead(out var packet))
                {
                    if (_batch.Count == 0) _batchStarted = _time.GetTimestamp();
                    Process(packet);
                    if (_batch.Count >= BatchSize) RunBatch();
                    // Keep housekeeping going under sustained load, when the queue never empties.
                    if (++taken % 256 == 0) Housekeeping(force: false);
                }
                // The queue ran dry: a short batch waits a little for more packets (BatchLinger).
                if (_batch.Count > 0 && _time.GetElapsedTime(_batchStarted) < BatchLinger)
                {
                    Thread.Sleep(1);
                    continue;
                }
                RunBatch();
                Housekeeping(force: false);

                waiting ??= reader.WaitToReadAsync(stoppingToken).AsTask();
                if (!waiting.IsCompleted)
                {
                    try
                    {
                        waiting.Wait(_tick, CancellationToken.None);
                    }
                    catch (AggregateException)
                    {
                        // cancelled or faulted: seen below
                    }
                }
                if (waiting.IsCompleted)
                {
                    if (waiting.IsCanceled || waiting.IsFaulted || !waiting.Result) break;
                    waiting = null;
                }
            }
        }
        finally
        {
            // The receivers stop before the pipeline (hosted services stop in reverse order), so
            // what is queued now is all there will be: decode it, emit it, then close down.
            while (reader.TryRead(out var packet))
            {
                Process(packet);
                if (_batch.Count >= BatchSize) RunBatch();
            }
            RunBatch();
            // The later stages finish what they hold, then stop; the sinks close after them.
            _toRules.Post(null);
            _ruleThread?.Join();
            _emitter?.Join();
            Shutdown();
        }
    }

    private void Process(in ReceivedPacket packet)
    {
        try
        {
            var sink = new BatchRecordSink(_batch);
            _decoder!.Decode(packet.Span, packet.Exporter, packet.ReceivedNs, ref sink);
            _counters.Packets++;
        }
        catch (Exception e)
        {
            StageFailed("decode", e);
        }
        finally
        {
            PacketChannel.Release(packet);
        }
    }

    private void RunBatch()
    {
        if (_batch.Count == 0) return;
        var events = _batch.Items;
        foreach (var enricher in _enrichers)
        {
            try
            {
                enricher.Enrich(events);
            }
            catch (Exception e)
            {
                StageFailed(enricher.GetType().Name, e);
            }
        }
        // To the rule stage; go on with a batch the emitter is done with (wait for one when all are queued).
        _toRules.Post(_batch);
        _batch = _free.Take()!;
    }

    /// <summary>The rule stage's thread: each enriched batch through the rules, then to the emitter; null ends it.</summary>
    private void RuleLoop()
    {
        while (true)
        {
            var batch = _toRules.Take();
            if (batch is not null)
            {
                try
                {
                    _counters.Alerts += _rules.Evaluate(batch.Items);
                }
                catch (Exception e)
                {
                    StageFailed("rules", e);
                }
            }
            _toEmit.Post(batch);
            if (batch is null) return;
        }
    }

    /// <summary>The emitter thread: each filled batch to every sink in turn, the sinks' ticks between batches and while idle.</summary>
    private void EmitLoop()
    {
        long lastTick = 0;
        while (true)
        {
            bool got = _toEmit.TryTake(_tick, out var batch);
            if (got)
            {
                if (batch is null) break;
                var events = batch.Items;
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
                Interlocked.Add(ref _counters.Events, events.Length);
                batch.Clear();
                _free.Post(batch);
            }
            // Ticks on time, whether busy or idle (each sink decides what is due).
            long now = Stopwatch.GetTimestamp();
            if (!got || Stopwatch.GetElapsedTime(lastTick, now) >= TickWhileBusy)
            {
                lastTick = now;
                TickSinks();
            }
        }
        TickSinks();
    }

    /// <summary>How often the emitter ticks the sinks while batches keep coming.</summary>
    private static readonly TimeSpan TickWhileBusy = TimeSpan.FromMilliseconds(20);

    private void TickSinks()
    {
        var now = _time.GetUtcNow();
        foreach (var sink in _sinks)
        {
            try
            {
                sink.Tick(now);
            }
            catch (Exception e)
            {
                StageFailed(sink.Name, e);
            }
        }
    }

    private void Housekeeping(bool force)
    {
        var now = _time.GetUtcNow();
        long ts = Stopwatch.GetTimestamp();
        if (force || Stopwatch.GetElapsedTime(_lastExpire, ts) >= TimeSpan.FromSeconds(1))
        {
            _lastExpire = ts;
            try
            {
                _decoder!.Expire(UnixNs(now));
            }
            catch (Exception e)
            {
                StageFailed("expire", e);
            }
        }
        if (force || Stopwatch.GetElapsedTime(_lastPersist, ts) >= _settings.Templates.PersistInterval.Value)
        {
            _lastPersist = ts;
            PersistTemplatesIfChanged();
        }
        if (_counters.SnapshotRequested) PublishSnapshot(now);
    }

    private void PersistTemplatesIfChanged()
    {
        try
        {
            long fingerprint = TemplateFingerprint();
            if (fingerprint == _persistedFingerprint) return;
            if (_templateStore.Save(_decoder!.Templates)) _persistedFingerprint = fingerprint;
        }
        catch (Exception e)
        {
            StageFailed("templates", e);
        }
    }

    /// <summary>Changes whenever the template set may have changed (learned, withdrawn, evicted, expired).</summary>
    private long TemplateFingerprint()
    {
        var c = _decoder!.Counters;
        return c.Total.TemplatesLearned * 31 + c.Total.TemplatesWithdrawn * 17 + c.TemplatesEvicted * 7 + c.TemplatesExpired * 3 + _decoder.Templates.Count;
    }

    private void PublishSnapshot(DateTimeOffset now)
    {
        try
        {
            _counters.Publish(DecoderSnapshot.Take(_decoder!, now));
        }
        catch (Exception e)
        {
            StageFailed("stats", e);
        }
    }

    private void Shutdown()
    {
        if (_decoder is null) return;
        foreach (var sink in _sinks)
        {
            try
            {
                sink.Close();
            }
            catch (Exception e)
            {
                StageFailed(sink.Name, e);
            }
        }
        try
        {
            if (_templateStore.Save(_decoder.Templates))
                _logger.LogInformation("templates: saved {Count} templates to {Path}", _decoder.Templates.Count, _templateStore.FilePath);
        }
        catch (Exception e)
        {
            StageFailed("templates", e);
        }
        PublishSnapshot(_time.GetUtcNow());
        _logger.LogInformation("pipeline stopped: {Packets} packets decoded, {Events} events emitted", _counters.Packets, _counters.Events);
    }

    private void StageFailed(string stage, Exception e)
    {
        // A stage failing on one batch must not stop the relay; log the first few in full, then count.
        long n = Interlocked.Increment(ref _counters.StageErrors);
        if (n <= 10 || n % 10000 == 0)
            _logger.LogError(e, "pipeline: {Stage} failed ({Count} failures so far)", stage, n);
    }

    private static long UnixNs(DateTimeOffset t) => (t.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
}
