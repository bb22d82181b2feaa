using System.Text.Json;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Risk;
using FlowRelay.Spool;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// Alerts (<c>logs-flowrelay.alert-&lt;namespace&gt;</c>) and threat-index changes
/// (<c>logs-flowrelay.risk-&lt;namespace&gt;</c>) as ECS JSON (<see cref="AlertDocumentWriter"/>, the
/// same documents as <c>alerts-*.ndjson</c>) into the disk spool through <see cref="SpoolDocumentWriter"/>.
/// Called on the flow pipeline's thread; each document is committed before the call returns (alerts
/// are rare next to flows).
/// <para>
/// The <c>_id</c> hashes what identifies the alert: rule id, kind, event time, window start, host and
/// the group's fields and values; for a threat-index change: host, event time, rule id, score and
/// level. The time the document was written (<c>event.created</c>) is left out.
/// </para>
/// </summary>
public sealed class ElasticsearchAlertSink : IAlertSink
{
    private static readonly SpoolDocument<(Alert Alert, DateTimeOffset Created)> AlertDocument =
        static (Utf8JsonWriter w, in (Alert Alert, DateTimeOffset Created) s) => AlertDocumentWriter.Write(w, s.Alert, s.Created);

    private static readonly SpoolDocument<(HostRisk Risk, DateTimeOffset Created)> RiskDocument =
        static (Utf8JsonWriter w, in (HostRisk Risk, DateTimeOffset Created) s) => AlertDocumentWriter.WriteRisk(w, s.Risk, s.Created);

    private readonly SpoolDocumentWriter _writer;
    private readonly TimeProvider _time;
    private readonly string _alertStream;
    private readonly string _riskStream;
    private readonly ContentId _ids = new();
    private readonly byte[] _id = new byte[DocumentId.Length];

    public ElasticsearchAlertSink(DiskSpool spool, string ns, ElasticsearchCounters counters, TimeProvider? time = null)
    {
        _writer = new SpoolDocumentWriter(spool, counters);
        _time = time ?? TimeProvider.System;
        _alertStream = DataStreams.Name(DataStreams.AlertDataset, ns);
        _riskStream = DataStreams.Name(DataStreams.RiskDataset, ns);
    }

    public void Write(Alert alert)
    {
        Compute(_ids, alert, _id);
        _writer.Append(_alertStream, _id, (alert, _time.GetUtcNow()), AlertDocument);
        _writer.Commit();
    }

    public void WriteRisk(HostRisk risk)
    {
        Compute(_ids, risk, _id);
        _writer.Append(_riskStream, _id, (risk, _time.GetUtcNow()), RiskDocument);
        _writer.Commit();
    }

    /// <summary>The <c>_id</c> of an alert (22 ASCII bytes).</summary>
    public static void Compute(ContentId ids, Alert a, Span<byte> destination)
    {
        ids.Begin(DataStreams.AlertDataset)
            .Add(a.Rule.Id).Add(a.Kind).Add(a.TimeNs).Add(a.WindowStartNs ?? long.MinValue).Add(a.Host)
            .Add(a.Fields.Count);
        foreach (var f in a.Fields) ids.Add(f.Key).Add(f.Value);
        ids.Finish(destination);
    }

    /// <summary>The <c>_id</c> of a threat-index change (22 ASCII bytes).</summary>
    public static void Compute(ContentId ids, HostRisk r, Span<byte> destination)
    {
        ids.Begin(DataStreams.RiskDataset).Add(r.Host).Add(r.TimeNs).Add(r.RuleId).Add(r.Score).Add((long)r.Level);
        ids.Finish(destination);
    }
}
