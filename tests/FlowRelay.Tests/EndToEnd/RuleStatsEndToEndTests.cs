using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Hosting;
using FlowRelay.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FlowRelay.Tests.EndToEnd;

/// <summary>The rule engine's and threat index's counters reach stats.json through ICounterSource.</summary>
public class RuleStatsEndToEndTests
{
    [Fact]
    public async Task Stats_json_reports_the_rule_engine_and_the_threat_index()
    {
        using var dir = new TempDir();
        var r = ConfigLoader.LoadYaml($"""
            data_dir: "{dir.Path}"
            log_level: warn
            stats_interval: 1s
            inputs:
              flow:
                listen: ["127.0.0.1:0"]
                receive_buffer_size: 1MiB
            outputs:
              ndjson:
                flush_interval: 50ms
            """);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        using var host = RelayHost.Build(r.Settings!);
        await host.StartAsync();
        var receiver = host.Services.GetServices<UdpFlowReceiver>().Single();
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            // 10.1.0.5 uploads 25 MB to a public address (one upload alert), 10.1.0.6 downloads 25 MB (nothing).
            await client.SendAsync(NetFlowV5Packet.Build(20_000, 1_767_225_600, 0,
                new NetFlowV5Packet.Flow("10.1.0.5", "93.184.216.34", 50000, 443, 6, 18_000, 25_000_000, 10_000, 15_000),
                new NetFlowV5Packet.Flow("93.184.216.34", "10.1.0.6", 443, 50001, 6, 18_000, 25_000_000, 10_000, 15_000),
                new NetFlowV5Packet.Flow("10.1.0.6", "93.184.216.34", 50001, 443, 6, 300, 20_000, 10_000, 15_000)), receiver.BoundEndpoint!);
        }
        Assert.True(await Eventually.HoldsAsync(() => Interlocked.Read(ref receiver.Counters.Datagrams) == 1, TimeSpan.FromSeconds(20)));
        await host.StopAsync();

        using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.Path, "stats.json")));
        var rules = stats.RootElement.GetProperty("rules");
        // The bundled rules: 4 flow and 6 DNS detection rules, 2 upload and 4 DNS correlations, a filter for each logsource.
        Assert.Equal(10, rules.GetProperty("detection_rules").GetInt64());
        Assert.Equal(6, rules.GetProperty("dns_detection_rules").GetInt64());
        Assert.Equal(6, rules.GetProperty("correlation_rules").GetInt64());
        Assert.Equal(2, rules.GetProperty("filters").GetInt64());
        Assert.Equal(3, rules.GetProperty("events_evaluated").GetInt64());
        Assert.Equal(0, rules.GetProperty("dns_events_evaluated").GetInt64());
        Assert.Equal(2, rules.GetProperty("matches").GetInt64()); // the upload and the downloader's requests
        Assert.Equal(2, rules.GetProperty("alerts").GetInt64()); // the upload alert and the threat index reaching "low" (20 points)
        Assert.Equal(0, rules.GetProperty("alerts_suppressed").GetInt64());
        Assert.Equal(3, rules.GetProperty("correlation_groups").GetInt64()); // upload trigger: both hosts; repeat: 10.1.0.5 after its alert
        Assert.Equal(6 * 50_000, rules.GetProperty("correlation_groups_capacity").GetInt64());
        Assert.Equal(0, rules.GetProperty("correlation_groups_evicted").GetInt64());
        Assert.Equal(0, rules.GetProperty("late_events_dropped").GetInt64());
        Assert.Equal(2, rules.GetProperty("matches_per_rule").GetProperty("flowrelay_outbound_internal_to_internet").GetInt64());
        var risk = stats.RootElement.GetProperty("risk");
        Assert.Equal(1, risk.GetProperty("hosts").GetInt64());
        Assert.Equal(100_000, risk.GetProperty("hosts_capacity").GetInt64());
        Assert.Equal(0, risk.GetProperty("hosts_evicted").GetInt64());
        Assert.Equal(1, risk.GetProperty("alerts_scored").GetInt64());

        // flowrelay risk list reads the host.risk document the relay wrote for the uploader.
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await FlowRelay.Cli.FlowRelayCli.InvokeAsync(["risk", "list", "--data-dir", dir.Path], output, error));
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.Matches(@"^\s*20\.00\s+Low\s+10\.1\.0\.5\s", rows[1]);
    }
}
