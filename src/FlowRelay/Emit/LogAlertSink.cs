using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Risk;
using Microsoft.Extensions.Logging;

namespace FlowRelay.Emit;

/// <summary>"Printed alerts": one log line per alert, at warning level so it shows at the default log level.</summary>
public sealed class LogAlertSink(ILogger<LogAlertSink> logger) : IAlertSink
{
    public void Write(Alert alert) => logger.LogWarning("ALERT {Message}", alert.Message);

    public void WriteRisk(HostRisk risk) =>
        logger.LogInformation("threat index: host {Host} score {Score:0.#} ({Level}) after rule {Rule}", risk.Host, risk.Score, risk.Level.ToString().ToLowerInvariant(), risk.RuleId);
}
