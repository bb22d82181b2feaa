using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Hosting;
using FlowRelay.Ingest;
using FlowRelay.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace FlowRelay.Tests.EndToEnd;

/// <summary>The whole relay in-process: UDP in on a free loopback port, NDJSON files out.</summary>
public class RelayEndToEndTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static RelaySettings Settings(string dataDir, Duration flushInterval)
    {
        var yaml = $"""
            data_dir: "{dataDir}"
            log_level: warn
            stats_interval: 1s
            inputs:
              flow:
                listen: ["127.0.0.1:0"]
                receive_buffer_size: 1MiB
            outputs:
              ndjson:
                flush_interval: {flushInterval}
            """;
        var r = ConfigLoader.LoadYaml(yaml);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        return r.Settings!;
    }

    private static IPEndPoint Endpoint(IHost host) => host.Services.GetServices<UdpFlowReceiver>().Single().BoundEndpoint!;

    private static List<JsonElement> ReadDocuments(string dir, bool includePartial)
    {
        var docs = new List<JsonElement>();
        if (!Directory.Exists(dir)) return docs;
        foreach (var f in Directory.GetFiles(dir).Order(StringComparer.Ordinal))
        {
            if (!f.EndsWith(".ndjson", StringComparison.Ordinal) && !(includePartial && f.EndsWith(".ndjson.partial", StringComparison.Ordinal))) continue;
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0) docs.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }
        return docs;
    }

    private static NetFlowV5Packet.Flow[] Flows(int start, int count) =>
        Enumerable.Range(start, count)
            .Select(i => new NetFlowV5Packet.Flow("10.1.0.5", "203.0.113.9", (ushort)(50000 + i), 443, 6, 10, (uint)(1000 + i), 10_000, 15_000))
            .ToArray();

    [Fact]
    public async Task NetFlow_v5_packets_become_ecs_documents()
    {
        using var dir = new TempDir();
        var settings = Settings(dir.Path, Duration.FromMilliseconds(50));
        using var host = RelayHost.Build(settings);
        await host.StartAsync();
        var target = Endpoint(host);

        uint unixSecs = 1_767_225_600; // 2026-01-01T00:00:00Z
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            await client.SendAsync(NetFlowV5Packet.Build(20_000, unixSecs, 0, Flows(0, 3)), target);
            await client.SendAsync(NetFlowV5Packet.Build(21_000, unixSecs + 1, 3, Flows(3, 2)), target);
        }
        var events = Path.Combine(dir.Path, "events");
        Assert.True(await Eventually.HoldsAsync(() => ReadDocuments(events, includePartial: true).Count >= 5, Wait),
            "documents did not appear in " + events);

        var docs = ReadDocuments(events, includePartial: true);
        Assert.Equal(5, docs.Count);
        var first = docs.Single(d => d.GetProperty("source").GetProperty("port").GetInt32() == 50000);
        Assert.Equal("10.1.0.5", first.GetProperty("source").GetProperty("ip").GetString());
        Assert.Equal("203.0.113.9", first.GetProperty("destination").GetProperty("ip").GetString());
        Assert.Equal(443, first.GetProperty("destination").GetProperty("port").GetInt32());
        Assert.Equal(1000, first.GetProperty("source").GetProperty("bytes").GetInt64());
        Assert.Equal(10, first.GetProperty("source").GetProperty("packets").GetInt64());
        Assert.Equal("tcp", first.GetProperty("network").GetProperty("transport").GetString());
        Assert.Equal("127.0.0.1", first.GetProperty("observer").GetProperty("ip").GetString());
        Assert.StartsWith("1:", first.GetProperty("network").GetProperty("community_id").GetString());
        Assert.Equal(5, first.GetProperty("flowrelay").GetProperty("version").GetInt32());
        // sysUptime arithmetic: the flow ended 5 s before the export (uptime 20 s, last 15 s).
        Assert.StartsWith("2025-12-31T23:59:55", first.GetProperty("@timestamp").GetString());

        await host.StopAsync();
        Assert.Empty(Directory.GetFiles(events, "*.partial"));
        Assert.Equal(5, ReadDocuments(events, includePartial: false).Count);

        using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "stats.json")));
        var root = stats.RootElement;
        Assert.Equal(2, root.GetProperty("ingest").GetProperty("datagrams").GetInt64());
        Assert.Equal(0, root.GetProperty("ingest").GetProperty("dropped_queue_full").GetInt64());
        Assert.Equal(5, root.GetProperty("pipeline").GetProperty("events").GetInt64());
        Assert.Equal(5, root.GetProperty("decoder").GetProperty("records").GetInt64());
        var exporter = Assert.Single(root.GetProperty("exporters").EnumerateArray());
        Assert.Equal("127.0.0.1", exporter.GetProperty("address").GetString());
        Assert.Equal(2, exporter.GetProperty("packets").GetInt64());
        Assert.Equal(5, root.GetProperty("outputs").GetProperty("ndjson").GetProperty("events").GetInt64());
        // Bounded enrichment state reports itself: the pairing table holds the 5 records it saw.
        var pairing = root.GetProperty("enrich").GetProperty("client_server");
        Assert.Equal(5, pairing.GetProperty("pairs_stored").GetInt64());
        Assert.True(pairing.GetProperty("pairs_capacity").GetInt64() >= 5);
        Assert.Equal(0, pairing.GetProperty("pairs_evicted").GetInt64());
    }

    [Fact]
    public async Task Graceful_stop_drains_the_queue_and_flushes_every_document()
    {
        using var dir = new TempDir();
        // A flush interval far longer than the test: only the stop can have written the documents.
        var settings = Settings(dir.Path, Duration.FromMinutes(1));
        using var host = RelayHost.Build(settings);
        await host.StartAsync();
        var target = Endpoint(host);
        var receiver = host.Services.GetServices<UdpFlowReceiver>().Single();

        const int packets = 200;
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            for (int i = 0; i < packets; i++)
                await client.SendAsync(NetFlowV5Packet.Build(20_000, 1_767_225_600, (uint)(i * 10), Flows(i * 10, 10)), target);
        }
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref receiver.Counters.Datagrams) == packets, Wait),
            $"received {receiver.Counters.Datagrams} of {packets} datagrams");

        await host.StopAsync();
        var docs = ReadDocuments(Path.Combine(dir.Path, "events"), includePartial: false);
        Assert.Equal(packets * 10, docs.Count);
        Assert.Equal(packets * 10, docs.Select(d => d.GetProperty("source").GetProperty("port").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task Garbage_is_counted_not_fatal()
    {
        using var dir = new TempDir();
        var settings = Settings(dir.Path, Duration.FromMilliseconds(50));
        using var host = RelayHost.Build(settings);
        await host.StartAsync();
        var target = Endpoint(host);
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            await client.SendAsync(new byte[] { 0, 42, 1, 2, 3 }, target);
            await client.SendAsync(NetFlowV5Packet.Build(20_000, 1_767_225_600, 0, Flows(0, 1)), target);
        }
        var events = Path.Combine(dir.Path, "events");
        Assert.True(await Eventually.HoldsAsync(() => ReadDocuments(events, includePartial: true).Count >= 1, Wait));
        await host.StopAsync();

        var counters = host.Services.GetRequiredService<PipelineCounters>();
        Assert.Equal(0, counters.StageErrors);
        var snapshot = counters.Latest!;
        Assert.Equal(1, DecoderSnapshot.ErrorSum(snapshot.Total));
    }
}
