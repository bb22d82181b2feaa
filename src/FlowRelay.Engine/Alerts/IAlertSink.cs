using FlowRelay.Engine.Risk;

namespace FlowRelay.Engine.Alerts;

/// <summary>Where alerts and threat-index changes go (NDJSON file, log line, later Elasticsearch and CEF). Called on the pipeline thread.</summary>
public interface IAlertSink
{
    /// <summary>Takes one alert.</summary>
    void Write(Alert alert);

    /// <summary>Takes a host's new threat index.</summary>
    void WriteRisk(HostRisk risk);
}
