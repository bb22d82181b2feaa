using System.Text.Json;
using FlowRelay.Config;
using FlowRelay.Emit;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace FlowRelay.Tests.Emit;

public class AlertNdjsonSinkTests
{
    private static readonly RuleInfo Rule = new() { Id = "6ded69dc-31ec-4a4d-821c-01f620ca8226", Title = "Upload", Level = "high", File = "u.yml", RiskPoints = 20 };

    [Fact]
    public void Alerts_and_risk_documents_go_to_alerts_files_beside_the_flow_files()
    {
        var dir = Path.Combine(Path.GetTempPath(), "flowrelay-alerts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var settings = new NdjsonOutputSettings { Path = dir, MaxFileSize = ByteSize.FromMiB(1), MaxFiles = 10, MaxFileAge = Duration.FromHours(1), FlushInterval = Duration.FromSeconds(1) };
            var flows = new NdjsonFileSink(settings, NullLogger<NdjsonFileSink>.Instance);
            var alerts = new AlertNdjsonSink(new NdjsonFileSink(settings, NullLogger<NdjsonFileSink>.Instance, prefix: AlertNdjsonSink.Prefix));
            alerts.Write(new Alert
            {
                Rule = Rule, TimeNs = 1_700_000_000_000_000_000, Kind = "value_sum", Fields = [new("source.ip", "10.1.2.3")],
                Value = 21_000_000, Threshold = 20_000_000, Condition = "gt 20000000", Timespan = TimeSpan.FromMinutes(5), EventCount = 3, Host = "10.1.2.3",
            });
            alerts.WriteRisk(new HostRisk("10.1.2.3", 20, RiskLevel.Low, 1_700_000_000_000_000_000, Rule.Id));
            alerts.Close();
            flows.Close();

            var file = Assert.Single(Directory.GetFiles(dir, "alerts-*.ndjson"));
            Assert.Empty(Directory.GetFiles(dir, "flows-*.ndjson"));
            var lines = File.ReadAllLines(file);
            Assert.Equal(2, lines.Length);
            using var alert = JsonDocument.Parse(lines[0]);
            var root = alert.RootElement;
            Assert.Equal("alert", root.GetProperty("event").GetProperty("kind").GetString());
            Assert.Equal(4, root.GetProperty("event").GetProperty("severity").GetInt32());
            Assert.Equal(Rule.Id, root.GetProperty("rule").GetProperty("id").GetString());
            Assert.Equal("10.1.2.3", root.GetProperty("source").GetProperty("ip").GetString());
            Assert.Equal(21_000_000, root.GetProperty("flowrelay").GetProperty("alert").GetProperty("value").GetDouble());
            Assert.Equal(20_000_000, root.GetProperty("flowrelay").GetProperty("alert").GetProperty("threshold").GetInt64());
            Assert.Equal(300, root.GetProperty("flowrelay").GetProperty("alert").GetProperty("timespan").GetInt64());
            using var risk = JsonDocument.Parse(lines[1]);
            var host = risk.RootElement.GetProperty("host");
            Assert.Equal(20, host.GetProperty("risk").GetProperty("calculated_score").GetDouble());
            Assert.Equal("Low", host.GetProperty("risk").GetProperty("calculated_level").GetString());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
