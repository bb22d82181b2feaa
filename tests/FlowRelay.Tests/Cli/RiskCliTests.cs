using FlowRelay.Cli;
using Xunit;

namespace FlowRelay.Tests.Cli;

public class RiskCliTests
{
    private static string Risk(string host, double score, string time, string rule) =>
        $"{{\"@timestamp\":\"{time}\",\"event\":{{\"kind\":\"metric\",\"dataset\":\"flowrelay.risk\",\"module\":\"flowrelay\"}},\"host\":{{\"ip\":\"{host}\",\"risk\":{{\"calculated_score\":{score},\"calculated_score_norm\":{score},\"calculated_level\":\"x\"}}}},\"rule\":{{\"id\":\"{rule}\"}}}}";

    [Fact]
    public async Task Risk_list_prints_the_latest_score_per_host_highest_first_with_its_level()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("events"));
        File.WriteAllLines(dir.File("events/alerts-20261128T090000Z.ndjson"),
        [
            Risk("10.1.2.3", 20, "2026-11-28T09:00:00Z", "upload"),
            "{\"event\":{\"kind\":\"alert\"},\"message\":\"not a risk document\"}",
            Risk("10.7.7.7", 45, "2026-11-28T09:30:00Z", "upload"),
        ]);
        // The file the relay is still writing.
        File.WriteAllLines(dir.File("events/alerts-20261128T100000Z.ndjson.partial"),
        [
            Risk("10.1.2.3", 92.5, "2026-11-28T10:00:00Z", "repeat"),
            Risk("10.8.8.8", 25, "2026-11-28T10:00:00Z", "upload"),
        ]);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await FlowRelayCli.InvokeAsync(["risk", "list", "--data-dir", dir.Path], output, error));
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("  SCORE  LEVEL", rows[0]);
        Assert.Equal(4, rows.Length);
        Assert.Matches(@"^\s*92\.50\s+Critical\s+10\.1\.2\.3\s+2026-11-28 10:00:00\s+repeat", rows[1]);
        Assert.Matches(@"^\s*44\.\d\d\s+Moderate\s+10\.7\.7\.7\s", rows[2]); // 30 min of decay
        Assert.Matches(@"^\s*25\.00\s+Low\s+10\.8\.8\.8\s", rows[3]);
        Assert.Contains("# 3 host(s) from 2 file(s)", error.ToString());

        output = new StringWriter();
        Assert.Equal(0, await FlowRelayCli.InvokeAsync(["risk", "list", "--data-dir", dir.Path, "--json"], output, new StringWriter()));
        Assert.StartsWith("{\"host.ip\":\"10.1.2.3\",\"host.risk.calculated_score\":92.5,\"host.risk.calculated_level\":\"Critical\"", output.ToString());
    }

    [Fact]
    public async Task Risk_list_without_alerts_files_says_so_and_exits_1()
    {
        using var dir = new TempDir();
        var error = new StringWriter();
        Assert.Equal(1, await FlowRelayCli.InvokeAsync(["risk", "list", "--data-dir", dir.Path], new StringWriter(), error));
        Assert.Contains("no alerts files", error.ToString());
    }
}
