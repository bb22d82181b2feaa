using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using FlowRelay.Config;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules;
using FlowRelay.Hosting;
using FlowRelay.LoadGen;
using FlowRelay.Pipeline;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowRelay.Benchmarks.Pipeline;

/// <summary>
/// The load test's <c>detect</c> step on one thread, per flow record: the load generator's IPFIX
/// packets (50 exporters, 100,000 internal hosts, softflowd's templates) decoded into the
/// pipeline's event batch, run through the enrichers and the rule stage that the relay builds
/// from the load test's settings (<see cref="RelayHost.Build"/>: flow documents off, so Community
/// ID and service names are skipped; the bundled rules, threat index and alert outputs on), batch
/// after batch as <see cref="FlowPipeline"/> does. What it leaves out is the receive thread (the
/// kernel's copy and the packet queue) and the handovers between the pipeline's threads. It is the
/// figure the detection path's zero-loss rate depends on: the load test runs sender and relay on
/// the same two cores, so the relay's CPU per record decides where it starts losing.
/// Each invocation is one <see cref="RecordsPerInvoke"/>-record stretch of the sender's stream,
/// generated beforehand (<see cref="IterationSetup"/>) with time moving on at
/// <see cref="NominalRate"/> records a second, so windows slide, groups age and alerts fire as in
/// the load test.
/// Two jobs: <c>relay</c> runs the code as the relay does, without tiered compilation
/// (<c>TieredCompilation</c> false in FlowRelay.csproj), so every method is compiled once, fully
/// optimised but without profile-guided optimisation; <c>tiered-pgo</c> is .NET's default, whose
/// hot methods are recompiled with dynamic PGO (devirtualised matcher and field-getter calls among
/// them). The first is the relay's figure; the second shows what PGO would give.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1, 1)]
[MedianColumn, MinColumn]
[Config(typeof(JitConfig))]
public class DetectionPathBenchmark
{
    private sealed class JitConfig : ManualConfig
    {
        public JitConfig()
        {
            AddJob(Job.Default.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0")).WithId("relay").AsBaseline());
            AddJob(Job.Default.WithId("tiered-pgo"));
        }
    }

    /// <summary>Records per invocation: about two passes over the 100,000 hosts.</summary>
    public const int RecordsPerInvoke = 200_000;

    /// <summary>The rate the stream's clock assumes (records per second), as in the load test's steps.</summary>
    public const int NominalRate = 1_600_000;

    private const int Exporters = 50;

    /// <summary>Events per batch (the pipeline's <see cref="FlowPipeline.BatchSize"/> by default).</summary>
    [Params(FlowPipeline.BatchSize)]
    public int BatchSize { get; set; }

    private string _dir = "";
    private IHost _host = null!;
    private IFlowEnricher[] _enrichers = [];
    private SigmaRuleStage _rules = null!;
    private FlowDecoder _decoder = null!;
    private EventBatch<FlowEvent> _batch = null!;
    private ExporterStream[] _streams = [];
    private IpAddr[] _addresses = [];
    private int _cursor;
    private long _nowMs, _nowMsStart;
    private long _sent, _generated;   // units the clock has moved by (records; a template packet counts 1), records generated
    private readonly List<(byte[] Bytes, int Length, int Exporter)> _packets = [];
    private int _count;               // packets in _packets for this invocation

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("flowrelay-bench-").FullName;
        string rules = Path.Combine(Rules.RuleEvaluationBenchmark.FindRepoRoot(), "rules");
        var load = ConfigLoader.LoadYaml($"""
            data_dir: {_dir}
            log_level: warn
            rules:
              path: {rules}
              max_groups: 200000
            outputs:
              ndjson:
                enabled: false
            """);
        if (load.Settings is null) throw new InvalidOperationException(string.Join("\n", load.Errors));
        _host = RelayHost.Build(load.Settings);
        var pipeline = _host.Services.GetRequiredService<FlowPipeline>();
        _enrichers = pipeline.Enrichers.ToArray();
        _rules = _host.Services.GetRequiredService<SigmaRuleStage>();
        _decoder = new FlowDecoder(FlowPipeline.DecoderOptions(load.Settings));
        _batch = new EventBatch<FlowEvent>(BatchSize * 2);

        _nowMs = _nowMsStart = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var options = new LoadGenOptions();
        _streams = new ExporterStream[Exporters];
        _addresses = new IpAddr[Exporters];
        for (int i = 0; i < Exporters; i++)
        {
            _streams[i] = new ExporterStream(ExportFormat.Ipfix, i, options.RecordsPerPacket, options.TemplateRefresh, options.Hosts, options.Ipv6Share,
                options.Seed, _nowMs - 86_400_000, options.DirectDnsShare);
            _addresses[i] = IpAddr.FromV4(0x7F000101u + (uint)i); // 127.0.1.1 …, as the load generator binds them
        }
        // Warm-up as the load test's: every host's state created before measuring.
        for (int i = 0; i < 3; i++)
        {
            IterationSetup();
            Run();
        }
        // Measure the work, not a decoder that drops what it cannot read.
        if (_decoder.Counters.Total.Records != _generated || _decoder.Counters.Total.SetsMissingTemplate != 0)
            throw new InvalidOperationException($"decoded {_decoder.Counters.Total.Records} of {_generated} records generated");
        if (_rules.Engine.EventsEvaluated != _generated)
            throw new InvalidOperationException($"the rules saw {_rules.Engine.EventsEvaluated} of {_generated} records");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The next stretch of the sender's stream, round-robin over the exporters as it sends.</summary>
    [IterationSetup]
    public void IterationSetup()
    {
        int records = 0, n = 0;
        while (records < RecordsPerInvoke)
        {
            int e = _cursor;
            _cursor = (_cursor + 1) % Exporters;
            var packet = _streams[e].Next(_nowMs);
            records += _streams[e].LastRecords;
            _generated += _streams[e].LastRecords;
            _nowMs = _nowMsStart + (long)(_sent += Math.Max(1, _streams[e].LastRecords)) * 1000 / NominalRate;
            if (n == _packets.Count) _packets.Add((new byte[ExporterStream.MaxPayload], 0, 0));
            var slot = _packets[n];
            packet.CopyTo(slot.Bytes);
            _packets[n++] = (slot.Bytes, packet.Length, e);
        }
        _count = n;
    }

    /// <summary>Decode, enrich and rules over <see cref="RecordsPerInvoke"/> records; returns the alerts raised.</summary>
    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public int Run()
    {
        int alerts = 0;
        for (int i = 0; i < _count; i++)
        {
            var (bytes, length, e) = _packets[i];
            var sink = new BatchRecordSink(_batch);
            _decoder.Decode(bytes.AsSpan(0, length), _addresses[e], _nowMs * 1_000_000, ref sink);
            if (_batch.Count >= BatchSize) alerts += RunBatch();
        }
        return alerts + RunBatch();
    }

    private int RunBatch()
    {
        var events = _batch.Items;
        foreach (var enricher in _enrichers) enricher.Enrich(events);
        int alerts = _rules.Evaluate(events);
        _batch.Clear();
        return alerts;
    }
}
