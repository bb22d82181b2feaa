using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;

namespace FlowRelay.Emit;

/// <summary>
/// Alerts and threat-index changes as ECS NDJSON in <c>alerts-*.ndjson</c> beside the flow files,
/// through a second <see cref="NdjsonFileSink"/> (same rotation, retention and crash recovery).
/// It is also an <see cref="IFlowEventSink"/> that ignores flows, so the pipeline's housekeeping
/// flushes, rotates and closes it with the other sinks. Alerts come from the flow and the DNS
/// pipelines' threads while the flow pipeline's housekeeping rotates the file, so every call takes a lock.
/// </summary>
public sealed class AlertNdjsonSink(NdjsonFileSink file, TimeProvider? time = null) : IAlertSink, IFlowEventSink, IDisposable
{
    /// <summary>File name prefix of alert files.</summary>
    public const string Prefix = "alerts-";

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();

    public string Name => "alerts";

    /// <inheritdoc />
    public bool WritesFlows => false;

    /// <summary>The file writer (counters, folder).</summary>
    public NdjsonFileSink File => file;

    public void Write(Alert alert)
    {
        lock (_gate) file.WriteDocument((alert, _time.GetUtcNow()), static (w, s) => AlertDocumentWriter.Write(w, s.alert, s.Item2));
    }

    public void WriteRisk(HostRisk risk)
    {
        lock (_gate) file.WriteDocument((risk, _time.GetUtcNow()), static (w, s) => AlertDocumentWriter.WriteRisk(w, s.risk, s.Item2));
    }

    // Flows are written by the flows sink; this one only carries alerts.
    public void Write(ReadOnlySpan<FlowEvent> events)
    {
    }

    public void Tick(DateTimeOffset now)
    {
        lock (_gate) file.Tick(now);
    }

    public void Flush()
    {
        lock (_gate) file.Flush();
    }

    public void Close()
    {
        lock (_gate) file.Close();
    }

    public void Dispose() => file.Dispose();
}
