using FlowRelay.Ingest;
using FlowRelay.Pipeline;

namespace FlowRelay.Metrics;

/// <summary>What /readyz checks: every flow listener bound and the flow pipeline running.</summary>
public sealed class RelayReadiness(IEnumerable<UdpFlowReceiver> receivers, FlowPipeline pipeline)
{
    private readonly UdpFlowReceiver[] _receivers = receivers.ToArray();

    /// <summary>Null when ready, otherwise the reason.</summary>
    public string? NotReadyReason()
    {
        foreach (var r in _receivers)
        {
            if (r.BoundEndpoint is null) return $"listener {r.ConfiguredEndpoint} not bound";
            if (r.ExecuteTask is { IsCompleted: true }) return $"listener {r.BoundEndpoint} stopped";
        }
        if (pipeline.ExecuteTask is null) return "pipeline not started";
        if (pipeline.ExecuteTask.IsCompleted) return "pipeline stopped";
        return null;
    }
}
