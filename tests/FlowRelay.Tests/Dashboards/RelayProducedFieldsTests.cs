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
/// The flow and DNS panels against documents the whole relay produced, ECS NDJSON out: NetFlow v5
/// over UDP into the running host with the bundled rules (one upload target listed as a backup
/// server, so the exclusion filter marks a flow; a DNS flow to a public resolver), and a tailed
/// Zeek dns.log with a tunnelling client. Every field a flow or DNS panel reads or queries is in
/// those documents, and so is every field of the alert panels those scenarios trigger (resolver
/// outside policy, DNS tunnelling), except the ones that need data this test has no source for (a
/// GeoIP database, DNS answers to join), which <see cref="DashboardFieldTests"/> checks against
/// the writers' full sample events.
/// </summary>
public class RelayProducedFieldsTests
{
    private static readonly HashSet<string> NeedExternalData = ["destination.domain", "destination.registered_domain", "destination.geo.country_iso_code"];

    [Fact]
    public async Task Flow_panels_read_fields_the_running_relay_writes()
    {
        using var dir = new TempDir();
        // The bundled rules, with 81.2.69.160 as the off-site backup target.
        string rules = dir.File("rules");
        foreach (string file in Directory.GetFiles(Path.Combine(RepoRoot.Path, "rules"), "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(rules, Path.GetRelativePath(Path.Combine(RepoRoot.Path, "rules"), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        File.WriteAllText(Path.Combine(rules, "lists", "backup_servers.txt"), "81.2.69.160/32\n");
        var config = ConfigLoader.LoadYaml($"""
            data_dir: "{dir.Path}"
            log_level: warn
            inputs:
              flow:
                listen: ["127.0.0.1:0"]
            outputs:
              ndjson:
                flush_interval: 50ms
            rules:
              path: "{rules}"
            """);
        Assert.True(config.IsValid, string.Join("\n", config.Errors));
        using var host = RelayHost.Build(config.Settings!);
        await host.StartAsync();
        var target = host.Services.GetServices<UdpFlowReceiver>().Single().BoundEndpoint!;
        using (var client = new UdpClient(AddressFamily.InterNetwork))
        {
            // Outbound, inbound and internal, as the default "internal: [private]" zone judges them, an
            // upload to the backup server, and DNS straight to a public resolver.
            await client.SendAsync(NetFlowV5Packet.Build(20_000, 1_767_225_600, 0,
                new NetFlowV5Packet.Flow("10.1.0.5", "81.2.69.142", 50000, 443, 6, 10, 5000, 10_000, 15_000),
                new NetFlowV5Packet.Flow("81.2.69.142", "10.1.0.5", 443, 50000, 6, 12, 90000, 10_000, 15_000),
                new NetFlowV5Packet.Flow("10.1.0.5", "10.1.0.6", 50001, 445, 6, 3, 700, 10_000, 15_000),
                new NetFlowV5Packet.Flow("10.1.0.5", "81.2.69.160", 50002, 22, 6, 400, 600_000, 10_000, 15_000),
                new NetFlowV5Packet.Flow("10.1.0.5", "8.8.8.8", 50003, 53, 17, 1, 60, 10_000, 15_000)), target);
        }
        string events = Path.Combine(dir.Path, "events");
        Assert.True(await Eventually.HoldsAsync(() => Read(events, "flows-").Count >= 5 && Alerted(events, "flowrelay_dns_resolver_outside_policy"), TimeSpan.FromSeconds(20)),
            "no documents or no resolver alert in " + events);
        await host.StopAsync();

        var docs = Read(events, "flows-");
        var excluded = Assert.Single(docs, d => DashboardFieldTests.Values(d, "flowrelay.excluded_by").Any());
        Assert.Equal("81.2.69.160", DashboardFieldTests.Values(excluded, "destination.ip").Single());
        Assert.Equal("flowrelay_exclude_backup_and_update_servers", DashboardFieldTests.Values(excluded, "flowrelay.excluded_by").Single());

        var problems = Problems(PanelsOf("logs-flowrelay.flow-*"), docs);
        // The alert panel this scenario's flows feed: the DNS flow to 8.8.8.8 bypassed the approved resolvers.
        problems.AddRange(Problems(SavedObjects.OfType("lens").Where(l => SavedObjects.Id(l) == "flowrelay-dns-resolvers-outside-policy"), Read(events, "alerts-")));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Dns_panels_read_fields_the_running_relay_writes()
    {
        using var dir = new TempDir();
        // A Zeek dns.log (JSON): an answered query, an NXDOMAIN, and a client tunnelling through
        // 25 long random names under one domain (flowrelay_dns_tunnel_long_names counts more than 20).
        var rnd = new Random(7);
        const string Base32 = "abcdefghijklmnopqrstuvwxyz234567";
        var lines = new List<string>
        {
            Zeek(0, "10.0.0.5", "www.example.com", "A", 1, 0, "NOERROR", """["93.184.216.34"]"""),
            Zeek(1, "10.0.0.5", "x7f3k2q9wz.com", "A", 1, 3, "NXDOMAIN", "[]"),
        };
        for (int i = 0; i < 25; i++)
        {
            string label = new(Enumerable.Range(0, 56).Select(_ => Base32[rnd.Next(Base32.Length)]).ToArray());
            lines.Add(Zeek(2 + i, "10.0.0.7", label + ".t.tunnel-lab.com", "TXT", 16, 0, "NOERROR", "[]"));
        }
        string log = dir.File("dns.log");
        File.WriteAllLines(log, lines);
        var config = ConfigLoader.LoadYaml($"""
            data_dir: "{dir.Path}"
            log_level: warn
            inputs:
              flow:
                enabled: false
              files:
                sources:
                  - {"{"} path: "{log}", format: zeek_json {"}"}
                poll_interval: 20ms
            outputs:
              ndjson:
                flush_interval: 50ms
            """);
        Assert.True(config.IsValid, string.Join("\n", config.Errors));
        using var host = RelayHost.Build(config.Settings!);
        await host.StartAsync();
        string events = Path.Combine(dir.Path, "events");
        Assert.True(await Eventually.HoldsAsync(() => Read(events, "dns-").Count >= lines.Count && Alerted(events, "flowrelay_dns_tunnel_long_names"), TimeSpan.FromSeconds(20)),
            $"{Read(events, "dns-").Count} DNS documents in {events}, tunnel alert: {Alerted(events, "flowrelay_dns_tunnel_long_names")}");
        await host.StopAsync();

        var problems = Problems(PanelsOf("logs-flowrelay.dns-*"), Read(events, "dns-"));
        problems.AddRange(Problems(SavedObjects.OfType("lens").Where(l => SavedObjects.Id(l) == "flowrelay-dns-tunnel-alerts"), Read(events, "alerts-")));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static bool Alerted(string events, string rule) =>
        Read(events, "alerts-").Any(a => DashboardFieldTests.Values(a, "flowrelay.alert.rule_name").Contains(rule));

    private static string Zeek(int second, string client, string name, string type, int qtype, int rcode, string rcodeName, string answers) =>
        $$"""{"ts":{{1_795_840_562 + second}}.25,"uid":"C{{second}}","id.orig_h":"{{client}}","id.orig_p":{{40_000 + second}},"id.resp_h":"10.0.0.53","id.resp_p":53,"proto":"udp","trans_id":{{second + 1}},"rtt":0.02,"query":"{{name}}","qclass":1,"qclass_name":"C_INTERNET","qtype":{{qtype}},"qtype_name":"{{type}}","rcode":{{rcode}},"rcode_name":"{{rcodeName}}","AA":false,"TC":false,"RD":true,"RA":true,"Z":0,"answers":{{answers}},"rejected":false}""";

    private static IEnumerable<System.Text.Json.Nodes.JsonObject> PanelsOf(string pattern)
    {
        var view = SavedObjects.OfType("index-pattern").Single(v => (string)SavedObjects.Attributes(v)["title"]! == pattern);
        return SavedObjects.OfType("lens").Where(l => SavedObjects.LayerDataView(l, SavedObjects.Columns(l).First().Layer) == SavedObjects.Id(view));
    }

    /// <summary>
    /// Every field the panels read or query is in some document (except <see cref="NeedExternalData"/>),
    /// and every value a query matches on is in some document.
    /// </summary>
    private static List<string> Problems(IEnumerable<System.Text.Json.Nodes.JsonObject> lenses, List<JsonElement> docs)
    {
        var problems = new List<string>();
        foreach (var lens in lenses)
        {
            // field : value, field : (values), and field : * (the field exists).
            var kql = SavedObjects.Queries(lens).SelectMany(q => Regex.Matches(q, @"([\w.@]+)\s*:\s*(\([^)]*\)|""[^""]*""|\*)")).ToList();
            var fields = SavedObjects.Columns(lens).Select(c => (string)c.Column["sourceField"]!).Where(f => f != "___records___")
                .Concat(kql.Select(m => m.Groups[1].Value)).Distinct();
            foreach (string field in fields.Where(f => !NeedExternalData.Contains(f)))
            {
                if (!docs.Any(d => DashboardFieldTests.Values(d, field).Any())) problems.Add($"{SavedObjects.Id(lens)}: {field} is in no document");
            }
            foreach (Match m in kql)
            {
                var written = docs.SelectMany(d => DashboardFieldTests.Values(d, m.Groups[1].Value)).ToHashSet();
                var wanted = Regex.Matches(m.Groups[2].Value, "\"([^\"]*)\"").Select(v => v.Groups[1].Value).ToList();
                // A panel over several rules needs one of them to have fired here (DashboardFieldTests checks
                // they are all bundled rules); any other value must each be written.
                if (m.Groups[1].Value == "flowrelay.alert.rule_name")
                {
                    if (!wanted.Any(written.Contains)) problems.Add($"{SavedObjects.Id(lens)}: no alert of {string.Join(" or ", wanted)}");
                    continue;
                }
                foreach (string v in wanted.Where(v => !written.Contains(v)))
                    problems.Add($"{SavedObjects.Id(lens)}: no document has {m.Groups[1].Value} = {v}");
            }
        }
        return problems;
    }

    private static List<JsonElement> Read(string dir, string prefix)
    {
        var docs = new List<JsonElement>();
        if (!Directory.Exists(dir)) return docs;
        foreach (var f in Directory.GetFiles(dir, prefix + "*").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
                if (line.Length > 0) docs.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        return docs;
    }
}
