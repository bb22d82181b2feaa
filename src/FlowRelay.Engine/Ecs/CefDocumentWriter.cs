using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Cef;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Writes a CEF event as an ECS document the way Filebeat's decode_cef maps it
/// (<see cref="CefEcsMapping"/>): header to observer.*, event.code, message, event.severity;
/// mapped extensions converted to their ECS types (addresses checked, numbers parsed, CEF
/// times to ISO 8601, MACs in RFC 7042 form, latitude/longitude joined into one geo_point);
/// everything else, and every value that does not convert, under <c>flowrelay.cef.extensions</c>.
/// The message is kept as <c>event.original</c>. CEF is a low-rate side input, so this builds a
/// small JSON tree per event rather than the flow writer's allocation-free path.
/// </summary>
public static class CefDocumentWriter
{
    private static readonly string[] TimeFormats =
    [
        "MMM dd yyyy HH:mm:ss.fff", "MMM dd yyyy HH:mm:ss", "MMM dd HH:mm:ss.fff", "MMM dd HH:mm:ss",
        "MMM d yyyy HH:mm:ss.fff", "MMM d yyyy HH:mm:ss", "MMM d HH:mm:ss.fff", "MMM d HH:mm:ss",
    ];

    /// <summary>Writes one document.</summary>
    public static void Write(Utf8JsonWriter writer, in CefInputEvent e) => Build(e).WriteTo(writer);

    /// <summary>The document as a JSON tree.</summary>
    public static JsonObject Build(in CefInputEvent e)
    {
        var cef = e.Cef;
        var root = new JsonObject();
        long eventNs = e.HeaderTimeNs != 0 ? e.HeaderTimeNs : e.ReceivedNs;
        Set(root, "@timestamp", Iso(eventNs));
        Set(root, "event.kind", "event");
        Set(root, "event.dataset", "flowrelay.cef");
        Set(root, "event.module", "flowrelay");
        Set(root, "event.created", Iso(e.ReceivedNs));
        Set(root, "event.original", cef.Original);
        if (cef.DeviceVendor.Length > 0) Set(root, "observer.vendor", cef.DeviceVendor);
        if (cef.DeviceProduct.Length > 0) Set(root, "observer.product", cef.DeviceProduct);
        if (cef.DeviceVersion.Length > 0) Set(root, "observer.version", cef.DeviceVersion);
        if (cef.DeviceEventClassId.Length > 0) Set(root, "event.code", cef.DeviceEventClassId);
        if (cef.Name.Length > 0) Set(root, "message", cef.Name);
        if (cef.SeverityNumber >= 0) Set(root, "event.severity", cef.SeverityNumber);
        if (e.Hostname is not null) Set(root, "log.syslog.hostname", e.Hostname);

        Set(root, "flowrelay.cef.version", cef.Version);
        Set(root, "flowrelay.cef.device.vendor", cef.DeviceVendor);
        Set(root, "flowrelay.cef.device.product", cef.DeviceProduct);
        Set(root, "flowrelay.cef.device.version", cef.DeviceVersion);
        Set(root, "flowrelay.cef.device.event_class_id", cef.DeviceEventClassId);
        Set(root, "flowrelay.cef.name", cef.Name);
        Set(root, "flowrelay.cef.severity", cef.Severity);
        if (e.Sender.IsSet) Set(root, "flowrelay.cef.sender_ip", e.Sender.ToString());
        if (e.Input is not null) Set(root, "flowrelay.cef.input", e.Input);
        if (e.Truncated) Set(root, "flowrelay.cef.truncated", true);

        int year = DateTime.UnixEpoch.AddTicks(eventNs / 100).Year;
        string? lat = null, lon = null, latField = null, lonField = null;
        foreach (var (key, value) in cef.Extensions)
        {
            // CEF "type" (base, aggregated, correlation, action) is no ECS event.kind value: keep it as sent.
            if (!CefEcsMapping.TryGet(key, out var field) || field.EcsField == "event.kind")
            {
                Set(root, "flowrelay.cef.extensions." + key, value);
                continue;
            }
            switch (field.Type)
            {
                case CefValueType.GeoLatitude:
                    lat = value;
                    latField = field.EcsField;
                    continue;
                case CefValueType.GeoLongitude:
                    lon = value;
                    lonField = field.EcsField;
                    continue;
            }
            var converted = Convert(field, value, year);
            // ECS event.id is a keyword: the number CEF's eventId carries is written as text.
            if (converted is not null && field.EcsField == "event.id") converted = JsonValue.Create(value.Trim());
            if (converted is null) Set(root, "flowrelay.cef.extensions." + field.FullName, value);
            else Set(root, field.EcsField, converted);
        }
        if (latField is not null && latField == lonField && TryDouble(lat, out double la) && TryDouble(lon, out double lo) && Math.Abs(la) <= 90 && Math.Abs(lo) <= 180)
        {
            Set(root, latField + ".lat", la);
            Set(root, latField + ".lon", lo);
        }
        else
        {
            if (lat is not null) Set(root, "flowrelay.cef.extensions." + (latField ?? "latitude").Replace('.', '_') + "_lat", lat);
            if (lon is not null) Set(root, "flowrelay.cef.extensions." + (lonField ?? "longitude").Replace('.', '_') + "_lon", lon);
        }
        return root;
    }

    private static JsonNode? Convert(CefEcsField field, string value, int year)
    {
        var v = value.Trim();
        switch (field.Type)
        {
            case CefValueType.String:
                return v.Length == 0 ? null : JsonValue.Create(value);
            case CefValueType.Integer:
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) ? JsonValue.Create(i) : null;
            case CefValueType.Long:
                return long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) ? JsonValue.Create(l) : null;
            case CefValueType.Double:
                return TryDouble(v, out double d) ? JsonValue.Create(d) : null;
            case CefValueType.Ip:
                return IPAddress.TryParse(v, out var ip) ? JsonValue.Create(ip.ToString()) : null;
            case CefValueType.Mac:
                return Mac(v) is { } mac ? JsonValue.Create(mac) : null;
            case CefValueType.Direction:
                return v switch { "0" => JsonValue.Create("inbound"), "1" => JsonValue.Create("outbound"), _ => null };
            case CefValueType.Timestamp:
                return Time(v, year) is { } t ? JsonValue.Create(t) : null;
            default:
                return null;
        }
    }

    private static bool TryDouble(string? s, out double d) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d);

    // CEF times: milliseconds since the epoch, or "MMM dd [yyyy] HH:mm:ss[.SSS] [zone]".
    private static string? Time(string v, int year)
    {
        if (v.Length > 0 && v.All(char.IsAsciiDigit) && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) && ms < 253402300800000)
            return Iso(ms * 1_000_000);
        var text = v;
        var offset = TimeSpan.Zero;
        int sp = text.LastIndexOf(' ');
        if (sp > 0)
        {
            var zone = text[(sp + 1)..];
            if (zone is "UTC" or "GMT" or "Z") text = text[..sp];
            else if ((zone.StartsWith('+') || zone.StartsWith('-')) && TimeSpan.TryParseExact(zone[1..].Replace(":", ""), "hhmm", CultureInfo.InvariantCulture, out var z))
            {
                offset = zone[0] == '-' ? -z : z;
                text = text[..sp];
            }
        }
        if (!DateTime.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var t)) return null;
        if (!TimeFormats.Take(2).Concat(TimeFormats.Skip(4).Take(2)).Any(f => DateTime.TryParseExact(text, f, CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out _)))
        {
            if (!DateTime.IsLeapYear(year) && t.Month == 2 && t.Day == 29) return null;
            t = new DateTime(year, t.Month, t.Day, t.Hour, t.Minute, t.Second, t.Millisecond);
        }
        return new DateTimeOffset(t, offset).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    // ECS: MAC addresses as RFC 7042 suggests, upper-case hex octets joined by hyphens.
    private static string? Mac(string v)
    {
        Span<char> hex = stackalloc char[16];
        int n = 0;
        foreach (char c in v)
        {
            if (char.IsAsciiHexDigit(c))
            {
                if (n == hex.Length) return null;
                hex[n++] = char.ToUpperInvariant(c);
            }
            else if (c is not (':' or '-' or '.')) return null;
        }
        if (n != 12 && n != 16) return null;
        var parts = new string[n / 2];
        for (int i = 0; i < parts.Length; i++) parts[i] = new string(hex.Slice(i * 2, 2));
        return string.Join('-', parts);
    }

    private static string Iso(long unixNs) =>
        DateTime.UnixEpoch.AddTicks(unixNs / 100).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var node = root;
        int start = 0;
        // "@timestamp" and other single names have no dot; nested fields are written as objects.
        while (true)
        {
            int dot = path.IndexOf('.', start);
            if (dot < 0) break;
            string part = path[start..dot];
            if (node[part] is not JsonObject child)
            {
                child = new JsonObject();
                node[part] = child;
            }
            node = child;
            start = dot + 1;
        }
        node[path[start..]] = value;
    }
}
