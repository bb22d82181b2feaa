namespace FlowRelay.Protocols;

/// <summary>Why a packet (or part of it) could not be decoded. Each value has its own counter.</summary>
public enum DecodeStatus : byte
{
    Ok = 0,
    /// <summary>Shorter than the smallest header of any version.</summary>
    TooShort,
    /// <summary>The version field is not 1, 5, 7, 9 or 10.</summary>
    UnsupportedVersion,
    /// <summary>A header field is impossible (v5 count above 30, IPFIX length beyond the datagram, ...).</summary>
    BadHeader,
    /// <summary>The packet ends inside a fixed-format record or a set.</summary>
    Truncated,
    /// <summary>A set/flowset length is shorter than its header or runs past the packet.</summary>
    BadSetLength,
    /// <summary>A template or options template record is malformed (field count, lengths, scope).</summary>
    BadTemplate,
    /// <summary>A data record does not fit its template (variable-length field runs past the set).</summary>
    BadRecord,
}
