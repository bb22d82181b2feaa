using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using FlowRelay.Config;
using FlowRelay.Hosting;
using FlowRelay.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace FlowRelay.Tests.Dashboards;

/// <summary>
/// The flow panels against documents the whole relay produced: NetFlow v5 over UDP into the
/// running host, ECS NDJSON out. Every field a flow panel reads or queries is in those documents,
/// except the ones that need data this test has no source for (a GeoIP database, DNS answers to
/// join), which <see cref="DashboardFieldTests"/> checks against the writers' full sample events.
/// </summary>
public class RelayProducedFieldsTests
{
    private static readonly HashSet<string> NeedExternalData = ["destination.domain", "destination.registered_domain", "destination.geo.country_iso_code"];

    [Fact]
    public async Task Flow_panels_read_fields_the_running_relay_writes()
    {
        using var dir = new TempDir();
        var config = ConfigLoader.LoadYaml($"""
            data_dir: "{dir.Path}"
            log_level: warn
            inputs:
              flow:
                listen: ["127.0.0.1:0"]
            outputs:
              ndjson:
                flush_interval: 50ms
            """);
        Assert.True(config.IsValid, string.Join("\n", config.Errors));
        using var host = RelayHost.Build(config.Settings!);
        await host.StartAsync();
        var target = host.Services.GetServices<UdpFlowReceiver>().Single().BoundEndpoint!;
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            // Outbound, inbound and internal, as the default "internal: [private]" zone judges them.
            await client.SendAsync(NetFlowV5Packet.Build(20_000, 1_767_225_600, 0,
                new NetFlowV5Packet.Flow("10.1.0.5", "81.2.69.142", 50000, 443, 6, 10, 5000, 10_000, 15_000),
                new NetFlowV5Packet.Flow("81.2.69.142", "10.1.0.5", 443, 50000, 6, 12, 90000, 10_000, 15_000),
                new NetFlowV5Packet.Flow("10.1.0.5", "10.1.0.6", 50001, 445, 6, 3, 700, 10_000, 15_000)), target);
        }
        string events = Path.Combine(dir.Path, "events");
        Assert.True(await Eventually.HoldsAsync(() => Read(events).Count >= 3, TimeSpan.FromSeconds(20)), "no documents in " + events);
        await host.StopAsync();
        var docs = Read(events);

        var flowView = SavedObjects.OfType("index-pattern").Single(v => (string)SavedObjects.Attributes(v)["title"]! == "logs-flowrelay.flow-*");
        var problems = new List<string>();
        foreach (var lens in SavedObjects.OfType("lens").Where(l => SavedObjects.LayerDataView(l, SavedObjects.Columns(l).First().Layer) == SavedObjects.Id(flowView)))
        {
            var kql = SavedObjects.Queries(lens).SelectMany(q => Regex.Matches(q, @"([\w.@]+)\s*:\s*(\([^)]*\)|""[^""]*"")")).ToList();
            var fields = SavedObjects.Columns(lens).Select(c => (string)c.Column["sourceField"]!).Where(f => f != "___records___")
                .Concat(kql.Select(m => m.Groups[1].Value)).Distinct();
            foreach (string field in fields.Where(f => !NeedExternalData.Contains(f)))
            {
                if (!docs.Any(d => DashboardFieldTests.Values(d, field).Any())) problems.Add($"{SavedObjects.Id(lens)}: {field} is in no document");
            }
            foreach (Match m in kql)
            {
                var written = docs.SelectMany(d => DashboardFieldTests.Values(d, m.Groups[1].Value)).ToHashSet();
                foreach (Match v in Regex.Matches(m.Groups[2].Value, "\"([^\"]*)\""))
                    if (!written.Contains(v.Groups[1].Value)) problems.Add($"{SavedObjects.Id(lens)}: no document has {m.Groups[1].Value} = {v.Groups[1].Value}");
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static List<JsonElement> Read(string dir)
    {
        var docs = new List<JsonElement>();
        if (!Directory.Exists(dir)) return docs;
        foreach (var f in Directory.GetFiles(dir, "flows-*").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
                if (line.Length > 0) docs.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        return docs;
    }
}
