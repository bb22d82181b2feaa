using FlowRelay.Engine.Events;
using FlowRelay.Engine.Enrich;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Rules.Fields;

/// <summary>
/// The fields flow rules (<c>logsource: {category: network, service: connection}</c>) may name:
/// ECS names where ECS has the field, <c>flowrelay.*</c> otherwise — the same names the flow
/// documents carry. A field enrichment adds to <see cref="FlowEvent"/> is one more line here.
/// </summary>
public static class FlowEventFields
{
    /// <summary>The table, built once.</summary>
    public static FieldTable<FlowEvent> Table { get; } = Build();

    private static FieldTable<FlowEvent> Build() => new FieldTable<FlowEvent>("network", "connection")
        .Ip("source.ip", static (in FlowEvent e, out IpAddr v) => (v = e.Flow.SourceAddress).IsSet)
        .Ip("destination.ip", static (in FlowEvent e, out IpAddr v) => (v = e.Flow.DestinationAddress).IsSet)
        .Ip("observer.ip", static (in FlowEvent e, out IpAddr v) => (v = e.Flow.Exporter).IsSet)
        .Number("source.port", static (in FlowEvent e, out long v) => Has(e, FlowFields.Ports, v = e.Flow.SourcePort))
        .Number("destination.port", static (in FlowEvent e, out long v) => Has(e, FlowFields.Ports, v = e.Flow.DestinationPort))
        .Number("network.iana_number", static (in FlowEvent e, out long v) => Has(e, FlowFields.Protocol, v = e.Flow.Protocol))
        .Text("network.transport", static (in FlowEvent e, Span<byte> d) => Transport(e, d))
        .Text("network.type", static (in FlowEvent e, Span<byte> d) => NetworkType(e, d))
        .Text("network.community_id", static (in FlowEvent e, Span<byte> d) =>
            // Computed here when the pipeline skipped the enricher (no sink writes flow documents).
            e.CommunityId.HasValue ? Copy(true, e.CommunityId.Value, d) : CommunityIdEnricher.Compute(e, d))
        .Number("source.bytes", static (in FlowEvent e, out long v) => Has(e, FlowFields.Bytes, v = (long)e.Flow.Bytes))
        .Number("source.packets", static (in FlowEvent e, out long v) => Has(e, FlowFields.Packets, v = (long)e.Flow.Packets))
        .Number("destination.bytes", static (in FlowEvent e, out long v) => Has(e, FlowFields.ReverseCounters, v = (long)e.Flow.ReverseBytes))
        .Number("destination.packets", static (in FlowEvent e, out long v) => Has(e, FlowFields.ReverseCounters, v = (long)e.Flow.ReversePackets))
        .Number("network.bytes", static (in FlowEvent e, out long v) => Has(e, FlowFields.Bytes, v = (long)(e.Flow.Bytes + e.Flow.ReverseBytes)))
        .Number("network.packets", static (in FlowEvent e, out long v) => Has(e, FlowFields.Packets, v = (long)(e.Flow.Packets + e.Flow.ReversePackets)))
        .Number("source.as.number", static (in FlowEvent e, out long v) => Has(e, FlowFields.AutonomousSystems, v = e.Flow.SourceAs))
        .Number("destination.as.number", static (in FlowEvent e, out long v) => Has(e, FlowFields.AutonomousSystems, v = e.Flow.DestinationAs))
        .Number("network.vlan.id", static (in FlowEvent e, out long v) => Has(e, FlowFields.VlanId, v = e.Flow.VlanId))
        .Number("observer.ingress.interface.id", static (in FlowEvent e, out long v) => Has(e, FlowFields.Interfaces, v = e.Flow.InputInterface))
        .Number("observer.egress.interface.id", static (in FlowEvent e, out long v) => Has(e, FlowFields.Interfaces, v = e.Flow.OutputInterface))
        .Number("event.duration", static (in FlowEvent e, out long v) => Has(e, FlowFields.Start | FlowFields.End, v = e.Flow.EndNs - e.Flow.StartNs))
        .Number("flowrelay.tcp_flags", static (in FlowEvent e, out long v) => Has(e, FlowFields.TcpFlags, v = e.Flow.TcpFlags))
        .Number("flowrelay.tos", static (in FlowEvent e, out long v) => Has(e, FlowFields.Tos, v = e.Flow.Tos))
        .Number("flowrelay.sampling.rate", static (in FlowEvent e, out long v) => (v = e.Flow.SamplingRate) > 0)
        .Number("flowrelay.end_reason", static (in FlowEvent e, out long v) => Has(e, FlowFields.FlowEndReason, v = e.Flow.FlowEndReason))
        .Number("flowrelay.version", static (in FlowEvent e, out long v) => (v = e.Flow.Version) > 0)
        // Enrichment (zones, direction, client/server, DNS join, assets, GeoIP); absent until its enricher ran.
        // The enum's values after None, in order (EnrichmentNames.ToEcs names the same values); None is absent.
        .Choice("network.direction", static (in FlowEvent e) => e.Direction is > NetworkDirection.None and <= NetworkDirection.External ? (int)e.Direction - 1 : -1, "unknown", "inbound", "outbound", "internal", "external")
        .Text("network.protocol", static (in FlowEvent e, Span<byte> d) => Str(e.ApplicationProtocol ?? ServiceNameEnricher.For(e), d))
        .Ip("host.ip", static (in FlowEvent e, out IpAddr v) => (v = e.InternalHost).IsSet)
        .Ip("flowrelay.internal_host.ip", static (in FlowEvent e, out IpAddr v) => (v = e.InternalHost).IsSet)
        .Number("flowrelay.upload.bytes", static (in FlowEvent e, out long v) => (v = (long)e.UploadBytes) >= 0 && e.InternalSide != InternalSide.None)
        .Number("flowrelay.upload.packets", static (in FlowEvent e, out long v) => (v = (long)e.UploadPackets) >= 0 && e.InternalSide != InternalSide.None)
        .Number("flowrelay.download.bytes", static (in FlowEvent e, out long v) => (v = (long)e.DownloadBytes) >= 0 && e.InternalSide != InternalSide.None)
        .Number("flowrelay.download.packets", static (in FlowEvent e, out long v) => (v = (long)e.DownloadPackets) >= 0 && e.InternalSide != InternalSide.None)
        .Ip("client.ip", static (in FlowEvent e, out IpAddr v) => (v = e.Client.Ip).IsSet && e.ClientServerReason != ClientServerReason.None)
        .Number("client.port", static (in FlowEvent e, out long v) => (v = e.Client.Port) >= 0 && e.ClientServerReason != ClientServerReason.None)
        .Ip("server.ip", static (in FlowEvent e, out IpAddr v) => (v = e.Server.Ip).IsSet && e.ClientServerReason != ClientServerReason.None)
        .Number("server.port", static (in FlowEvent e, out long v) => (v = e.Server.Port) >= 0 && e.ClientServerReason != ClientServerReason.None)
        .Text("source.domain", static (in FlowEvent e, Span<byte> d) => Str(e.SourceDomain, d))
        .Text("destination.domain", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationDomain, d))
        .Text("source.registered_domain", static (in FlowEvent e, Span<byte> d) => Str(e.SourceRegisteredDomain, d))
        .Text("destination.registered_domain", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationRegisteredDomain, d))
        .Text("flowrelay.destination.resolved", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationResolved switch { true => "true", false => "false", null => null }, d))
        .Text("flowrelay.source.site", static (in FlowEvent e, Span<byte> d) => Str(e.SourceSite, d))
        .Text("flowrelay.destination.site", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationSite, d))
        .Text("flowrelay.source.asset.name", static (in FlowEvent e, Span<byte> d) => Str(e.SourceAsset?.Name, d))
        .Text("flowrelay.destination.asset.name", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationAsset?.Name, d))
        .Text("flowrelay.source.asset.criticality", static (in FlowEvent e, Span<byte> d) => Str(e.SourceAsset?.Criticality, d))
        .Text("flowrelay.destination.asset.criticality", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationAsset?.Criticality, d))
        .Text("source.geo.country_iso_code", static (in FlowEvent e, Span<byte> d) => Str(e.SourceGeo?.CountryIsoCode, d))
        .Text("destination.geo.country_iso_code", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationGeo?.CountryIsoCode, d))
        .Text("source.geo.continent_code", static (in FlowEvent e, Span<byte> d) => Str(e.SourceGeo?.ContinentCode, d))
        .Text("destination.geo.continent_code", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationGeo?.ContinentCode, d))
        .Text("source.as.organization.name", static (in FlowEvent e, Span<byte> d) => Str(e.SourceGeo?.AsOrganization, d))
        .Text("destination.as.organization.name", static (in FlowEvent e, Span<byte> d) => Str(e.DestinationGeo?.AsOrganization, d));

    // The assignment in the call sets the out value; presence comes from the record's flags.
    private static bool Has(in FlowEvent e, FlowFields required, long _) => (e.Flow.Present & required) == required;

    // A string field as UTF-8 (no allocation); -1 when absent or longer than the buffer.
    private static int Str(string? value, Span<byte> destination) =>
        value is not null && System.Text.Encoding.UTF8.TryGetBytes(value, destination, out int n) ? n : -1;

    private static int Copy(bool present, ReadOnlySpan<byte> value, Span<byte> destination)
    {
        if (!present || value.Length > destination.Length) return -1;
        value.CopyTo(destination);
        return value.Length;
    }

    // ECS network.transport: the IANA keyword, lower case (RFC 1700 names).
    private static int Transport(in FlowEvent e, Span<byte> d)
    {
        if ((e.Flow.Present & FlowFields.Protocol) == 0) return -1;
        return e.Flow.Protocol switch
        {
            6 => Copy(true, "tcp"u8, d),
            17 => Copy(true, "udp"u8, d),
            1 => Copy(true, "icmp"u8, d),
            58 => Copy(true, "ipv6-icmp"u8, d),
            47 => Copy(true, "gre"u8, d),
            50 => Copy(true, "esp"u8, d),
            51 => Copy(true, "ah"u8, d),
            132 => Copy(true, "sctp"u8, d),
            _ => -1,
        };
    }

    private static int NetworkType(in FlowEvent e, Span<byte> d)
    {
        var a = e.Flow.SourceAddress.IsSet ? e.Flow.SourceAddress : e.Flow.DestinationAddress;
        return a.Family switch { 4 => Copy(true, "ipv4"u8, d), 6 => Copy(true, "ipv6"u8, d), _ => -1 };
    }
}
