using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Hosting;
using FlowRelay.Ingest;
using FlowRelay.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace FlowRelay.Tests.Metrics;

/// <summary>The whole relay in-process with metrics on a free loopback port, scraped over HTTP.</summary>
public class MetricsEndpointTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static int FreeTcpPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static RelaySettings Settings(string dataDir, int metricsPort)
    {
        var r = ConfigLoader.LoadYaml($"""
            data_dir: "{dataDir}"
            log_level: warn
            stats_interval: 1s
            inputs:
              flow:
                listen: ["127.0.0.1:0"]
                receive_buffer_size: 1MiB
            metrics:
              enabled: true
              listen: "127.0.0.1:{metricsPort}"
            """);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        return r.Settings!;
    }

    private static NetFlowV5Packet.Flow[] Flows(int count) =>
        Enumerable.Range(0, count).Select(i => new NetFlowV5Packet.Flow("10.1.0.5", "203.0.113.9", (ushort)(50000 + i), 443, 6, 10, 1000, 10_000, 15_000)).ToArray();

    /// <summary>Every numeric leaf of a stats document, as the metric name it must appear under.</summary>
    private static IEnumerable<string> ExpectedNames(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                    foreach (var n in ExpectedNames(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name)) yield return n;
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    foreach (var n in ExpectedNames(item, path + "[]")) yield return n;
                break;
            case JsonValueKind.Number:
                yield return StatsMetrics.MetricName(path);
                break;
        }
    }

    [Fact]
    public async Task Scrape_has_every_stats_json_counter_and_health_endpoints_answer()
    {
        using var dir = new TempDir();
        int port = FreeTcpPort();
        using var host = RelayHost.Build(Settings(dir.Path, port));
        await host.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal("ok\n", await http.GetStringAsync("healthz"));
            var ready = await http.GetAsync("readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            var target = host.Services.GetServices<UdpFlowReceiver>().Single().BoundEndpoint!;
            using (var client = new UdpClient(AddressFamily.InterNetwork))
            {
                await client.SendAsync(NetFlowV5Packet.Build(20_000, 1_767_225_600, 0, Flows(5)), target);
            }

            string text = "";
            Assert.True(await Eventually.HoldsAsync(() =>
            {
                text = http.GetStringAsync("metrics").GetAwaiter().GetResult();
                return text.Contains("flowrelay_decoder_records_total 5", StringComparison.Ordinal);
            }, Wait), "records did not reach the metrics:\n" + text);

            // stats.json is written every second; every number in it must be a metric.
            string statsPath = Path.Combine(dir.Path, "stats.json");
            Assert.True(await Eventually.HoldsAsync(() => File.Exists(statsPath) && File.ReadAllText(statsPath).Contains("\"exporters\"", StringComparison.Ordinal), Wait));
            using var stats = JsonDocument.Parse(File.ReadAllText(statsPath));
            text = await http.GetStringAsync("metrics");
            var lines = text.Split('\n');
            var missing = ExpectedNames(stats.RootElement, "").Distinct()
                .Where(n => !lines.Any(l => l.StartsWith(n + " ", StringComparison.Ordinal) || l.StartsWith(n + "{", StringComparison.Ordinal)))
                .ToList();
            Assert.True(missing.Count == 0, "missing from /metrics: " + string.Join(", ", missing));

            Assert.Contains("flowrelay_exporters_records_total{exporter=\"127.0.0.1\"} 5", text);
            Assert.Contains("flowrelay_ingest_queue_depth ", text);
            Assert.Contains("flowrelay_ingest_queue_capacity 8192", text);
            Assert.Contains("# TYPE flowrelay_ingest_datagrams_total counter", text);
            Assert.Contains("# TYPE flowrelay_ingest_queue_depth gauge", text);
            Assert.Contains("process_working_set_bytes", text);

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("nothing-here")).StatusCode);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void Exporter_labels_are_bounded_and_the_rest_summed_as_other()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new StatsMetrics(registry, maxExporterLabels: 2);
        string Doc(int n) => "{\"exporters\":[" + string.Join(",", Enumerable.Range(1, n).Select(i => $"{{\"address\":\"192.0.2.{i}\",\"records\":{i * 10}}}")) + "]}";
        using (var d = JsonDocument.Parse(Doc(5))) metrics.Update(d.RootElement);
        using var stream = new MemoryStream();
        registry.CollectAndExportAsTextAsync(stream).GetAwaiter().GetResult();
        string text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("flowrelay_exporters_records_total{exporter=\"192.0.2.1\"} 10", text);
        Assert.Contains("flowrelay_exporters_records_total{exporter=\"192.0.2.2\"} 20", text);
        Assert.Contains("flowrelay_exporters_records_total{exporter=\"other\"} 120", text); // 30 + 40 + 50
        Assert.DoesNotContain("192.0.2.3", text);
    }

    [Theory]
    [InlineData("ingest.queue_depth", "flowrelay_ingest_queue_depth")]
    [InlineData("ingest.datagrams", "flowrelay_ingest_datagrams_total")]
    [InlineData("decoder.errors.too_short", "flowrelay_decoder_errors_too_short_total")]
    [InlineData("enrich.geoip.cache_entries", "flowrelay_enrich_geoip_cache_entries")]
    [InlineData("exporters[].records", "flowrelay_exporters_records_total")]
    public void Names_follow_the_stats_json_path(string path, string name) => Assert.Equal(name, StatsMetrics.MetricName(path));
}
