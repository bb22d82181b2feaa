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
