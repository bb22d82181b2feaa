using System.Collections.Concurrent;
using FlowRelay.Config;
using FlowRelay.Emit;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules;
using FlowRelay.Ingest;
using FlowRelay.LoadGen;
using FlowRelay.Pipeline;
using FlowRelay.Protocols.Flows;
using FlowRelay.Stats;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Pipeline;

/// <summary>
/// How the flow pipeline cuts batches: a batch short of <see cref="FlowPipeline.BatchSize"/> waits
/// up to <see cref="FlowPipeline.BatchLinger"/> for more packets when the queue runs dry, a full
/// batch goes at once, and stopping sends on whatever waits. The pipeline's clock is a manual one,
/// so "the linger has not passed" is a fact of the test, not a race with the machine's speed.
/// </summary>
public sealed class FlowPipelineBatchingTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly TempDir _dir = new();
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    private readonly PacketChannel _channel = new(4096);
    private readonly RecordingStage _stage = new();
    private readonly PipelineCounters _counters = new();
    private readonly ExporterStream _exporter = new(ExportFormat.Ipfix, 0, 27, templateRefresh: 1_000_000, hosts: 1000, ipv6Share: 0, seed: 1,
        bootMs: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000);
    private FlowPipeline _pipeline = null!;
    private bool _stopped;

    public async Task InitializeAsync()
    {
        var settings = ConfigLoader.LoadYaml($"data_dir: {_dir.Path}").Settings!;
        _pipeline = new FlowPipeline(settings, _channel, Array.Empty<IFlowEnricher>(), _stage, Array.Empty<IFlowEventSink>(),
            new TemplateStore(_dir.Path, NullLogger<TemplateStore>.Instance), _counters, NullLogger<FlowPipeline>.Instance, _time);
        await _pipeline.StartAsync(CancellationToken.None);
        Post(); // the template packet
    }

    public async Task DisposeAsync()
    {
        await StopAsync();
        _pipeline.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_short_batch_waits_for_the_next_packets_until_the_linger_has_passed()
    {
        int first = Post();
        Assert.True(await Eventually.HoldsAsync(() => Volatile.Read(ref _counters.Packets) == 2, Bound), "the first data packet was not decoded");
        // The queue ran dry with a short batch, and the pipeline's clock has not moved: it keeps waiting.
        int second = Post();
        Assert.True(await Eventually.HoldsAsync(() => Volatile.Read(ref _counters.Packets) == 3, Bound), "the second data packet was not decoded");
        Assert.Empty(_stage.Batches);

        _time.Advance(FlowPipeline.BatchLinger);
        Assert.True(await Eventually.HoldsAsync(() => !_stage.Batches.IsEmpty, Bound), "the batch did not go once the linger had passed");
        Assert.Equal([first + second], _stage.Batches);
    }

    [Fact]
    public async Task A_full_batch_goes_at_once_and_stopping_sends_what_still_waits()
    {
        int packets = FlowPipeline.BatchSize / 27 + 2, sent = 0;
        for (int i = 0; i < packets; i++) sent += Post();
        Assert.True(await Eventually.HoldsAsync(() => Volatile.Read(ref _counters.Packets) == packets + 1, Bound), "not every packet was decoded");
        // The first batch went as soon as it held BatchSize records (whole packets: it may hold a
        // few more); the rest waits, as the clock has not moved.
        Assert.True(await Eventually.HoldsAsync(() => !_stage.Batches.IsEmpty, Bound), "the full batch did not go");
        int full = (FlowPipeline.BatchSize + 26) / 27 * 27;
        Assert.Equal([full], _stage.Batches);

        await StopAsync();
        Assert.Equal([full, sent - full], _stage.Batches);
    }

    /// <summary>Queues the exporter's next packet as the UDP listener would; returns the flow records it holds.</summary>
    private int Post()
    {
        var packet = _exporter.Next(_time.GetUtcNow().ToUnixTimeMilliseconds());
        var buffer = PacketChannel.Rent(packet.Length);
        packet.CopyTo(buffer);
        Assert.True(_channel.TryWrite(new ReceivedPacket(buffer, packet.Length, IpAddr.FromV4(0x7F000101), _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000)));
        return _exporter.LastRecords;
    }

    private async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var cts = new CancellationTokenSource(Bound);
        await _pipeline.StopAsync(cts.Token);
    }

    private sealed class RecordingStage : IFlowRuleStage
    {
        public ConcurrentQueue<int> Batches { get; } = new();

        public int Evaluate(Span<FlowEvent> events)
        {
            Batches.Enqueue(events.Length);
            return 0;
        }
    }
}
