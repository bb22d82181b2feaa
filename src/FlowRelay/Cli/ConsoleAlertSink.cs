using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Risk;

namespace FlowRelay.Cli;

/// <summary>Alerts of <c>flowrelay rules test</c>: one line each, or the ECS JSON document.</summary>
internal sealed class ConsoleAlertSink(TextWriter output, bool json) : IAlertSink
{
    public void Write(Alert alert)
    {
        if (!json)
        {
            output.WriteLine($"{DateTimeOffset.UnixEpoch.AddTicks(alert.TimeNs / 100):yyyy-MM-dd'T'HH:mm:ss.fff'Z'} ALERT {alert.Message}");
            return;
        }
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            AlertDocumentWriter.Write(w, alert, DateTimeOffset.UtcNow);
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    public void WriteRisk(HostRisk risk)
    {
        if (!json) output.WriteLine($"  threat index {risk.Host}: {risk.Score:0.#} ({risk.Level.ToString().ToLowerInvariant()})");
    }
}
