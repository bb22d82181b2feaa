using System.Collections.Frozen;

namespace FlowRelay.Protocols.Cef;

/// <summary>
/// Which ECS field each CEF extension key fills, following the mapping Elastic's Filebeat
/// <c>decode_cef</c> processor applies (x-pack/filebeat/processors/decode_cef, keys.ecs.go and the
/// short-name table from the ArcSight CEF dictionary), so events look the same as Filebeat's.
/// Keys not listed stay under <c>cef.extensions.*</c>. The header maps as
/// <see cref="HeaderFields"/> says. Where that table names a field ECS does not define or means
/// otherwise, this one follows ECS (every target here is in ECS 9.x): filename → file.name
/// (Filebeat: file.uid), fileCreateTime → file.created (Filebeat: file.ctime, which ECS defines
/// as metadata change time), user privileges → *.user.group.name (Filebeat: *.user.group); and
/// Filebeat's non-ECS targets (source/destination.process.*, file.hash) are left out, so those
/// keys stay under cef.extensions. Latitude and longitude together fill one geo_point.
/// </summary>
public static class CefEcsMapping
{
    /// <summary>ECS fields of the CEF header: vendor, product, version, signature id, name, severity.</summary>
    public static readonly IReadOnlyDictionary<string, string> HeaderFields = new Dictionary<string, string>
    {
        ["deviceVendor"] = "observer.vendor",
        ["deviceProduct"] = "observer.product",
        ["deviceVersion"] = "observer.version",
        ["deviceEventClassId"] = "event.code",
        ["name"] = "message",
        ["severity"] = "event.severity",
    }.ToFrozenDictionary();

    /// <summary>Every mapped extension key.</summary>
    public static readonly IReadOnlyList<CefEcsField> Fields =
    [
        new("agentAddress", "agt", "observer.ip", CefValueType.Ip),
        new("agentDnsDomain", null, "observer.hostname", CefValueType.String),
        new("agentHostName", "ahost", "observer.hostname", CefValueType.String),
        new("agentId", "aid", "observer.serial_number", CefValueType.String),
        new("agentMacAddress", "amac", "observer.mac", CefValueType.Mac),
        new("agentReceiptTime", "art", "event.created", CefValueType.Timestamp),
        new("agentType", "at", "observer.type", CefValueType.String),
        new("agentVersion", "av", "observer.version", CefValueType.String),
        new("applicationProtocol", "app", "network.application", CefValueType.String),
        new("bytesIn", "in", "source.bytes", CefValueType.Long),
        new("bytesOut", "out", "destination.bytes", CefValueType.Long),
        new("customerExternalID", null, "organization.id", CefValueType.String),
        new("customerURI", null, "organization.name", CefValueType.String),
        new("destinationAddress", "dst", "destination.ip", CefValueType.Ip),
        new("destinationDnsDomain", null, "destination.domain", CefValueType.String),
        new("destinationGeoLatitude", "dlat", "destination.geo.location", CefValueType.GeoLatitude),
        new("destinationGeoLongitude", "dlong", "destination.geo.location", CefValueType.GeoLongitude),
        new("destinationHostName", "dhost", "destination.domain", CefValueType.String),
        new("destinationMacAddress", "dmac", "destination.mac", CefValueType.Mac),
        new("destinationPort", "dpt", "destination.port", CefValueType.Integer),
        new("destinationProcessId", "dpid", "process.pid", CefValueType.Integer),
        new("destinationServiceName", null, "service.name", CefValueType.String),
        new("destinationTranslatedAddress", null, "destination.nat.ip", CefValueType.Ip),
        new("destinationTranslatedPort", null, "destination.nat.port", CefValueType.Integer),
        new("destinationUserId", "duid", "destination.user.id", CefValueType.String),
        new("destinationUserName", "duser", "destination.user.name", CefValueType.String),
        new("destinationUserPrivileges", "dpriv", "destination.user.group.name", CefValueType.String),
        new("deviceAction", "act", "event.action", CefValueType.String),
        new("deviceAddress", "dvc", "host.ip", CefValueType.Ip),
        new("deviceDirection", null, "network.direction", CefValueType.Direction),
        new("deviceEventCategory", "cat", "event.category", CefValueType.String),
        new("deviceExternalId", null, "host.id", CefValueType.String),
        new("deviceHostName", "dvchost", "host.hostname", CefValueType.String),
        new("deviceMacAddress", "dvcmac", "host.mac", CefValueType.Mac),
        new("devicePayloadId", null, "event.id", CefValueType.String),
        new("deviceProcessId", "dvcpid", "process.pid", CefValueType.Integer),
        new("deviceProcessName", null, "process.name", CefValueType.String),
        new("deviceReceiptTime", "rt", "@timestamp", CefValueType.Timestamp),
        new("deviceTimeZone", "dtz", "event.timezone", CefValueType.String),
        new("endTime", "end", "event.end", CefValueType.Timestamp),
        new("eventId", null, "event.id", CefValueType.Long),
        new("eventOutcome", "outcome", "event.outcome", CefValueType.String),
        new("fileCreateTime", null, "file.created", CefValueType.Timestamp),
        new("fileId", null, "file.inode", CefValueType.String),
        new("fileModificationTime", null, "file.mtime", CefValueType.Timestamp),
        new("filename", "fname", "file.name", CefValueType.String),
        new("filePath", null, "file.path", CefValueType.String),
        new("filePermission", null, "file.group", CefValueType.String),
        new("fileSize", "fsize", "file.size", CefValueType.Long),
        new("fileType", null, "file.type", CefValueType.String),
        new("message", "msg", "message", CefValueType.String),
        new("requestClientApplication", null, "user_agent.original", CefValueType.String),
        new("requestContext", null, "http.request.referrer", CefValueType.String),
        new("requestMethod", null, "http.request.method", CefValueType.String),
        new("requestUrl", "request", "url.original", CefValueType.String),
        new("sourceAddress", "src", "source.ip", CefValueType.Ip),
        new("sourceDnsDomain", null, "source.domain", CefValueType.String),
        new("sourceGeoLatitude", "slat", "source.geo.location", CefValueType.GeoLatitude),
        new("sourceGeoLongitude", "slong", "source.geo.location", CefValueType.GeoLongitude),
        new("sourceHostName", "shost", "source.domain", CefValueType.String),
        new("sourceMacAddress", "smac", "source.mac", CefValueType.Mac),
        new("sourcePort", "spt", "source.port", CefValueType.Integer),
        new("sourceTranslatedAddress", null, "source.nat.ip", CefValueType.Ip),
        new("sourceTranslatedPort", null, "source.nat.port", CefValueType.Integer),
        new("sourceUserId", "suid", "source.user.id", CefValueType.String),
        new("sourceUserName", "suser", "source.user.name", CefValueType.String),
        new("sourceUserPrivileges", "spriv", "source.user.group.name", CefValueType.String),
        new("startTime", "start", "event.start", CefValueType.Timestamp),
        new("transportProtocol", "proto", "network.transport", CefValueType.String),
        new("type", null, "event.kind", CefValueType.Integer),
    ];

    private static readonly FrozenDictionary<string, CefEcsField> ByKey = BuildIndex();

    /// <summary>The mapping of an extension key, by its short or full name (exact case, as CEF keys are).</summary>
    public static bool TryGet(string key, out CefEcsField field) => ByKey.TryGetValue(key, out field!);

    /// <summary>The full CEF key name of a short one (<c>src</c> → <c>sourceAddress</c>); the key itself when not a known short name.</summary>
    public static string FullName(string key) => ByKey.TryGetValue(key, out var f) ? f.FullName : key;

    private static FrozenDictionary<string, CefEcsField> BuildIndex()
    {
        var d = new Dictionary<string, CefEcsField>(StringComparer.Ordinal);
        foreach (var f in Fields)
        {
            d[f.FullName] = f;
            if (f.ShortName != null) d[f.ShortName] = f;
        }
        return d.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
