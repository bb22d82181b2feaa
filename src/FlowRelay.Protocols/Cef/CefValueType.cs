namespace FlowRelay.Protocols.Cef;

/// <summary>How a CEF extension value is converted for its ECS field.</summary>
public enum CefValueType : byte
{
    String = 0,
    /// <summary>32-bit integer (ports, pids, counts).</summary>
    Integer,
    /// <summary>64-bit integer.</summary>
    Long,
    /// <summary>Floating point (geo coordinates).</summary>
    Double,
    /// <summary>IPv4 or IPv6 address; a value that is none is not mapped.</summary>
    Ip,
    /// <summary>CEF time: milliseconds since the epoch or <c>MMM dd [yyyy] HH:mm:ss[.SSS] [zzz]</c>.</summary>
    Timestamp,
    /// <summary>MAC address.</summary>
    Mac,
    /// <summary>Latitude half of a geo_point (the field is the <c>*.geo.location</c> point).</summary>
    GeoLatitude,
    /// <summary>Longitude half of a geo_point.</summary>
    GeoLongitude,
    /// <summary>deviceDirection: 0 inbound, 1 outbound.</summary>
    Direction,
}
