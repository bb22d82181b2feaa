namespace FlowRelay.Engine.Events;

/// <summary>The keyword values enrichment enums take in documents and rules (no allocation: string literals).</summary>
public static class EnrichmentNames
{
    /// <summary>ECS <c>network.direction</c> value, or null when not computed.</summary>
    public static string? ToEcs(this NetworkDirection direction) => direction switch
    {
        NetworkDirection.Unknown => "unknown",
        NetworkDirection.Inbound => "inbound",
        NetworkDirection.Outbound => "outbound",
        NetworkDirection.Internal => "internal",
        NetworkDirection.External => "external",
        _ => null,
    };

    /// <summary><c>flowrelay.client_server.reason</c> value, or null when not decided.</summary>
    public static string? ToKeyword(this ClientServerReason reason) => reason switch
    {
        ClientServerReason.PairedStartTime => "paired_start_time",
        ClientServerReason.TcpSyn => "tcp_syn",
        ClientServerReason.IcmpType => "icmp_type",
        ClientServerReason.ServicePort => "service_port",
        ClientServerReason.LowerPort => "lower_port",
        ClientServerReason.StartTime => "start_time",
        _ => null,
    };
}
