using FlowRelay.Cli;
using Xunit;

namespace FlowRelay.Tests.Cli;

public class RulesCliTests
{
    private static async Task<(int Code, string Out, string Err)> Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await FlowRelayCli.InvokeAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Rules_validate_accepts_the_bundled_rules()
    {
        var (code, output, error) = await Invoke("rules", "validate");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Contains("10 detection, 6 correlation, 2 filter rules", output);
    }

    [Fact]
    public async Task Rules_validate_prints_file_line_column_and_exits_1()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("bad.yml"), "title: t\nlogsource:\n  category: network\n  service: connection\ndetection:\n  sel:\n    source.ip|cidrr: 10.0.0.0/8\n  condition: sel\n");
        var (code, _, error) = await Invoke("rules", "validate", "--rules", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("bad.yml:7:5: unknown modifier 'cidrr'", error);
    }

    [Fact]
    public async Task Rules_test_replays_saved_flows_and_prints_the_alerts()
    {
        using var dir = new TempDir();
        var lines = Enumerable.Range(0, 3).Select(i =>
            $"{{\"@timestamp\":\"2026-11-28T10:0{i}:00.000Z\",\"source\":{{\"ip\":\"10.1.2.3\",\"port\":50000,\"bytes\":21000000}},\"destination\":{{\"ip\":\"93.184.216.34\",\"port\":443}},\"network\":{{\"transport\":\"tcp\",\"iana_number\":\"6\"}}}}");
        File.WriteAllLines(dir.File("flows.ndjson"), lines.Append("not json"));
        var (code, output, error) = await Invoke("rules", "test", "--events", dir.File("flows.ndjson"));
        Assert.Equal(0, code);
        Assert.Equal(3, output.Split('\n').Count(l => l.Contains("ALERT [high] Internal host sent more than 20 MB")));
        Assert.Contains("ALERT [critical] Internal host triggered the upload alert more than twice in 24 hours: host.ip=10.1.2.3", output);
        Assert.Contains("flows.ndjson:4: skipped: not JSON", error);
        Assert.Contains("# 3 events replayed (1 skipped)", error);
    }

    [Fact]
    public async Task Rules_test_replays_saved_dns_documents_as_the_relay_wrote_them()
    {
        using var dir = new TempDir();
        // 200 tunnel-like queries as the relay's DNS writer writes them, then one ordinary query.
        var psl = FlowRelay.Engine.Dns.PublicSuffixList.Load(FlowRelay.Engine.Dns.PublicSuffixList.SystemPath);
        long t0 = DateTimeOffset.Parse("2026-11-28T10:00:00Z").ToUnixTimeMilliseconds() * 1_000_000;
        var lines = new List<string>();
        for (int i = 0; i < 201; i++)
        {
            var r = FlowRelay.Protocols.DnsLogs.DnsQueryRecord.Empty();
            r.ClientIp = FlowRelay.Protocols.Flows.IpAddr.From(System.Net.IPAddress.Parse("10.1.2.3"));
            r.QueryName = i < 200 ? $"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i))).ToLowerInvariant()}.t.tunnel-example.com" : "www.example.org";
            r.QueryTypeName = i < 200 ? "TXT" : "A";
            r.ResponseCodeName = "NOERROR";
            r.TimestampUnixNs = t0 + i * 500_000_000L;
            r.TimestampHasZone = true;
            var e = FlowRelay.Engine.Events.DnsEvent.Create(r, 0, false, r.TimestampUnixNs, psl);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var w = new System.Text.Json.Utf8JsonWriter(buffer)) FlowRelay.Engine.Ecs.DnsDocumentWriter.Write(w, e);
            lines.Add(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
        File.WriteAllLines(dir.File("dns.ndjson"), lines);
        var (code, output, error) = await Invoke("rules", "test", "--events", dir.File("dns.ndjson"));
        Assert.Equal(0, code);
        Assert.Contains("ALERT [high] Possible DNS tunnel, many unique subdomains of one domain from one client: host.ip=10.1.2.3 dns.question.registered_domain=tunnel-example.com value=151", output);
        Assert.Contains("ALERT [medium] Possible DNS tunnel, many TXT or NULL queries under one domain: host.ip=10.1.2.3 dns.question.registered_domain=tunnel-example.com value=51", output);
        Assert.Contains("# 201 events replayed (0 skipped)", error);
    }

    [Fact]
    public async Task Run_refuses_to_start_when_the_rules_do_not_load()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("rules"));
        File.WriteAllText(dir.File("rules/bad.yml"), "title: t\n");
        File.WriteAllText(dir.File("cfg.yaml"), $"data_dir: {dir.File("data")}\ninputs:\n  flow:\n    enabled: false\nrules:\n  path: {dir.File("rules")}\n");
        var (code, _, error) = await Invoke("run", "--config", dir.File("cfg.yaml"));
        Assert.Equal(ExitCodes.BadConfig, code);
        Assert.Contains("bad.yml:1:1: not a Sigma rule", error);
    }
}
