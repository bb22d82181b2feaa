using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Events;

/// <summary>
/// A flow as it moves through Enrich → Rules → Emit: the decoded record plus what enrichment adds.
/// A struct held in reusable batches so the pipeline allocates nothing per record: enrichment
/// fields are values or references to shared, immutable objects (names, assets, geo answers).
/// </summary>
public struct FlowEvent : FlowRelay.Engine.Rules.IRuleEvent<FlowEvent>
{
    /// <inheritdoc />
    public static FlowRelay.Engine.Rules.Fields.FieldTable<FlowEvent> Fields => FlowRelay.Engine.Rules.Fields.FlowEventFields.Table;

    /// <summary>Event time of a flow: its end (the time its bytes were all sent), else when it was received.</summary>
    public static long EventTime(in FlowEvent e) => e.Flow.EndNs != 0 ? e.Flow.EndNs : e.Flow.ReceivedNs;

    /// <inheritdoc />
    /// <remarks>The Community ID, computed here when the pipeline skipped its enricher (no sink writes flow documents).</remarks>
    public static string? Sample(in FlowEvent e)
    {
        if (e.CommunityId.HasValue) return System.Text.Encoding.ASCII.GetString(e.CommunityId.Value);
        Span<byte> id = stackalloc byte[CommunityIdValue.Length];
        int n = FlowRelay.Engine.Enrich.CommunityIdEnricher.Compute(e, id);
        return n > 0 ? System.Text.Encoding.ASCII.GetString(id[..n]) : null;
    }

    /// <inheritdoc />
    public static string[] AlertFields { get; } = ["source.ip", "source.port", "destination.ip", "destination.port", "network.transport", "source.bytes", "destination.bytes"];

    /// <inheritdoc />
    public static string DefaultHostField => "source.ip";

    /// <inheritdoc />
    public static string SampleKind => "community_id";

    /// <inheritdoc />
    public static void MarkExcluded(ref FlowEvent e, string filter) => e.ExcludedBy ??= filter;

    /// <summary>The Sigma filter (name, else id) that removed this flow from a rule it matched (<c>flowrelay.excluded_by</c>), or null.</summary>
    public string? ExcludedBy;

    /// <summary>The record as decoded.</summary>
    public FlowRecord Flow;

    /// <summary>Community ID v1 ("1:" + base64 SHA-1), as ASCII, filled by enrichment.</summary>
    public CommunityIdValue CommunityId;

    /// <summary>Named networks of the source address (<c>flowrelay.source.zone</c>).</summary>
    public ZoneSet SourceZones;

    /// <summary>Named networks of the destination address (<c>flowrelay.destination.zone</c>).</summary>
    public ZoneSet DestinationZones;

    /// <summary>Most specific named site of the source address (<c>flowrelay.source.site</c>), or null.</summary>
    public string? SourceSite;

    /// <summary>Most specific named site of the destination address (<c>flowrelay.destination.site</c>), or null.</summary>
    public string? DestinationSite;

    /// <summary>ECS <c>network.direction</c> from the zones.</summary>
    public NetworkDirection Direction;

    /// <summary>Which side is the internal host for inbound/outbound flows (<c>flowrelay.internal_host.ip</c>, ECS <c>host.ip</c>).</summary>
    public InternalSide InternalSide;

    /// <summary>Bytes the internal host sent to the external side in this record (<c>flowrelay.upload.bytes</c>).</summary>
    public ulong UploadBytes;

    /// <summary>Packets the internal host sent to the external side (<c>flowrelay.upload.packets</c>).</summary>
    public ulong UploadPackets;

    /// <summary>Bytes the internal host received from the external side in this record (<c>flowrelay.download.bytes</c>).</summary>
    public ulong DownloadBytes;

    /// <summary>Packets the internal host received (<c>flowrelay.download.packets</c>).</summary>
    public ulong DownloadPackets;

    /// <summary>Why the client side was chosen; <see cref="ClientServerReason.None"/> when not decided.</summary>
    public ClientServerReason ClientServerReason;

    /// <summary>True when the record's source is the client (ECS <c>client.*</c> = <c>source.*</c>).</summary>
    public bool ClientIsSource;

    /// <summary>How sure the client/server decision is, in percent (<c>flowrelay.client_server.confidence</c> = this / 100).</summary>
    public byte ClientServerConfidence;

    /// <summary>Name the source address was resolved from (ECS <c>source.domain</c>), from the DNS answer cache.</summary>
    public string? SourceDomain;

    /// <summary>Registered domain of <see cref="SourceDomain"/> (ECS <c>source.registered_domain</c>), when known.</summary>
    public string? SourceRegisteredDomain;

    /// <summary>Name the destination address was resolved from (ECS <c>destination.domain</c>).</summary>
    public string? DestinationDomain;

    /// <summary>Registered domain of <see cref="DestinationDomain"/> (ECS <c>destination.registered_domain</c>), when known.</summary>
    public string? DestinationRegisteredDomain;

    /// <summary>
    /// For outbound flows once DNS answers are being received: whether anyone resolved the destination
    /// before the flow (<c>flowrelay.destination.resolved</c>); null otherwise.
    /// </summary>
    public bool? DestinationResolved;

    /// <summary>Inventory entry of the source address (<c>flowrelay.source.asset.*</c>), or null.</summary>
    public AssetInfo? SourceAsset;

    /// <summary>Inventory entry of the destination address (<c>flowrelay.destination.asset.*</c>), or null.</summary>
    public AssetInfo? DestinationAsset;

    /// <summary>GeoIP/ASN answer for the source address (ECS <c>source.geo.*</c>, <c>source.as.*</c>), or null.</summary>
    public GeoInfo? SourceGeo;

    /// <summary>GeoIP/ASN answer for the destination address (ECS <c>destination.geo.*</c>, <c>destination.as.*</c>), or null.</summary>
    public GeoInfo? DestinationGeo;

    /// <summary>ECS <c>network.protocol</c> inferred from the server's well-known port (lowercase), or null.</summary>
    public string? ApplicationProtocol;

    /// <summary>The client's address and port (valid when <see cref="ClientServerReason"/> is set).</summary>
    public readonly (IpAddr Ip, ushort Port) Client => ClientIsSource ? (Flow.SourceAddress, Flow.SourcePort) : (Flow.DestinationAddress, Flow.DestinationPort);

    /// <summary>The server's address and port (valid when <see cref="ClientServerReason"/> is set).</summary>
    public readonly (IpAddr Ip, ushort Port) Server => ClientIsSource ? (Flow.DestinationAddress, Flow.DestinationPort) : (Flow.SourceAddress, Flow.SourcePort);

    /// <summary>The internal host's address for inbound/outbound flows (default otherwise).</summary>
    public readonly IpAddr InternalHost => InternalSide switch
    {
        InternalSide.Source => Flow.SourceAddress,
        InternalSide.Destination => Flow.DestinationAddress,
        _ => default,
    };
}
