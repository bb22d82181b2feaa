using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Hosting;
using FlowRelay.Ingest;
using FlowRelay.Spool;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using Xunit.Abstractions;

namespace FlowRelay.Tests.Elasticsearch;

/// <summary>The whole relay: NetFlow over UDP in, ECS documents out in a (loopback) Elasticsearch data stream through the spool.</summary>
public sealed class RelayToElasticsearchTests(ITestOutputHelper output)
{
    private const string Stream = "logs-flowrelay.flow-default";

    private static string Yaml(string dataDir, Uri es, string listen, string spoolMode = "always") => $"""
        data_dir: "{dataDir}"
        log_level: warn
        stats_interval: 1s
        inputs:
          flow:
            listen: ["{listen}"]
        rules:
          enabled: false
        outputs:
          ndjson:
            enabled: false
          elasticsearch:
            enabled: true
            urls: ["{es}"]
            batch_size: 100
            concurrency: 1
            retry_initial_backoff: 20ms
            retry_max_backoff: 200ms
        spool:
          fsync: never
          mode: {spoolMode}
        """;

    private static NetFlowV5Packet.Flow[] Flows(int packet) =>
        Enumerable.Range(0, 30).Select(i => new NetFlowV5Packet.Flow("10.1.0.5", "203.0.113.9", (ushort)(10000 + packet), (ushort)(1000 + i), 6, 10, 1000, 10_000, 15_000)).ToArray();

    private static async Task SendAsync(IPEndPoint target, int packets)
    {
        using var client = new UdpClient(AddressFamily.InterNetwork);
        for (int p = 0; p < packets; p++)
        {
            await client.SendAsync(NetFlowV5Packet.Build(20_000, 1_767_225_600, (uint)(p * 30), Flows(p)), target);
            if (p % 5 == 4) await Task.Delay(5);
        }
    }

    private static HashSet<string> DistinctFlows(LoopbackElasticsearch server) =>
        server.Documents.Values.Select(d =>
        {
            var doc = JsonDocument.Parse(d).RootElement;
            return $"{doc.GetProperty("source").GetProperty("port")}/{doc.GetProperty("destination").GetProperty("port")}";
        }).ToHashSet();

    [Theory]
    [InlineData("always")]
    [InlineData("overflow")] // the flows wait in memory until the stop, which writes them to disk
    public async Task A_graceful_stop_while_Elasticsearch_is_away_leaves_every_accepted_flow_in_the_spool_for_the_next_start(string spoolMode)
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        await server.DisappearAsync();
        using var dir = new TempDir();
        var r = ConfigLoader.LoadYaml(Yaml(dir.Path, server.Url, "127.0.0.1:0", spoolMode));
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        using (var host = RelayHost.Build(r.Settings!))
        {
            await host.StartAsync();
            var receiver = host.Services.GetServices<UdpFlowReceiver>().Single();
            await SendAsync(receiver.BoundEndpoint!, 10);
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref receiver.Counters.Datagrams) == 10, TimeSpan.FromSeconds(20)));
            // Stop at once: whatever is still queued between the socket and the spool must be drained into the spool.
            await host.StopAsync();
            using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "stats.json")));
            Assert.Equal(300, stats.RootElement.GetProperty("spool").GetProperty("entries_waiting").GetInt64());
            Assert.Equal(0, stats.RootElement.GetProperty("elasticsearch").GetProperty("delivered").GetInt64());
        }

        await server.ComeBackAsync();
        using (var host = RelayHost.Build(r.Settings!))
        {
            await host.StartAsync();
            Assert.True(await Eventually.HoldsAsync(() => server.Documents.Count == 300, TimeSpan.FromSeconds(30)), $"{server.Documents.Count}");
            await host.StopAsync();
        }
        Assert.Equal(300, DistinctFlows(server).Count);
        Assert.Equal(300, server.Created);
    }

    [Theory]
    [InlineData("always")]
    [InlineData("overflow")]
    public async Task Flows_arrive_in_the_flow_data_stream_through_the_spool(string spoolMode)
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        using var dir = new TempDir();
        var r = ConfigLoader.LoadYaml(Yaml(dir.Path, server.Url, "127.0.0.1:0", spoolMode));
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        using var host = RelayHost.Build(r.Settings!);
        await host.StartAsync();
        await SendAsync(host.Services.GetServices<UdpFlowReceiver>().Single().BoundEndpoint!, 10);
        Assert.True(await Eventually.HoldsAsync(() => server.Documents.Count == 300, TimeSpan.FromSeconds(20)), $"{server.Documents.Count}");
        await host.StopAsync();

        Assert.All(server.Documents.Keys, k => Assert.StartsWith(Stream + "/", k));
        Assert.Equal(300, DistinctFlows(server).Count);
        var doc = JsonDocument.Parse(server.Documents.Values.First()).RootElement;
        Assert.Equal("flowrelay.flow", doc.GetProperty("event").GetProperty("dataset").GetString());
        Assert.Equal(0, host.Services.GetRequiredService<DiskSpool>().Counters.EntriesWaiting);
        // The spool and the sender report in stats.json.
        using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "stats.json")));
        Assert.Equal(300, stats.RootElement.GetProperty("spool").GetProperty("entries_acknowledged").GetInt64());
        Assert.Equal(0, stats.RootElement.GetProperty("spool").GetProperty("entries_waiting").GetInt64());
        Assert.Equal(300, stats.RootElement.GetProperty("elasticsearch").GetProperty("delivered").GetInt64());
        // always: every document went through a segment file; overflow: none did (the server kept up).
        var spool = stats.RootElement.GetProperty("spool");
        Assert.Equal(spoolMode == "always" ? 0 : 300, spool.GetProperty("entries_kept_in_memory").GetInt64());
        Assert.Equal(spoolMode == "always", spool.GetProperty("bytes_written").GetInt64() > 0);
    }

    [Fact]
    public async Task Killing_the_relay_with_SIGKILL_mid_delivery_and_starting_it_again_loses_nothing_and_duplicates_nothing()
    {
        await using var server = await LoopbackElasticsearch.StartAsync();
        // Part of the stream is delivered, then Elasticsearch refuses (429) everything else, so the
        // kill always lands mid-delivery however fast the machine is.
        server.RefuseBulkAtDocuments = 300;
        using var dir = new TempDir();
        int port;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        string config = dir.File("flowrelay.yaml");
        File.WriteAllText(config, Yaml(dir.Path, server.Url, $"127.0.0.1:{port}"));
        string dll = Path.Combine(AppContext.BaseDirectory, "flowrelay.dll");
        const int packets = 40, total = packets * 30;

        Process Start()
        {
            var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" run -c \"{config}\"") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, _) => { };
            p.ErrorDataReceived += (_, _) => { };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            return p;
        }

        long Spooled()
        {
            try
            {
                using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "stats.json")));
                return stats.RootElement.GetProperty("pipeline").GetProperty("events").GetInt64();
            }
            catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException)
            {
                return -1;
            }
        }

        var first = Start();
        try
        {
            // Wait until the relay listens (its first stats.json), then send everything.
            Assert.True(await Eventually.HoldsAsync(() => Spooled() >= 0, TimeSpan.FromSeconds(20)), "relay did not start");
            await SendAsync(new IPEndPoint(IPAddress.Loopback, port), packets);
            // Every event has been through the pipeline (so it is in the spool) while delivery is still going on.
            Assert.True(await Eventually.HoldsAsync(() => Spooled() == total, TimeSpan.FromSeconds(20)), $"pipeline events {Spooled()}");
            Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref server.Created) >= 300, TimeSpan.FromSeconds(20)), $"delivered {server.Created}");
            Assert.True(server.Created < total);
            first.Kill(); // SIGKILL: no drain, no flush, no acknowledgement written
            await first.WaitForExitAsync();
        }
        finally
        {
            if (!first.HasExited) first.Kill();
        }
        long beforeRestart = server.Created;
        output.WriteLine($"delivered before SIGKILL: {beforeRestart} of {total}");

        server.RefuseBulkAtDocuments = long.MaxValue;
        var second = Start();
        try
        {
            Assert.True(await Eventually.HoldsAsync(() => server.Created == total, TimeSpan.FromSeconds(40)), $"{server.Created} of {total}");
            await Task.Delay(500); // anything resent after the last create would show as a 409, never as a document
        }
        finally
        {
            second.Kill();
            await second.WaitForExitAsync();
        }
        output.WriteLine($"after restart: {server.Created} documents, {server.Conflicts} resends answered 409");
        Assert.Equal(total, server.Documents.Count);
        Assert.Equal(total, DistinctFlows(server).Count);
    }
}
