namespace FlowRelay.Protocols.Cef;

/// <summary>Outcome of parsing one CEF message.</summary>
public enum CefParseStatus : byte
{
    Ok = 0,
    /// <summary>No bytes.</summary>
    Empty,
    /// <summary>No <c>CEF:</c> marker.</summary>
    NotCef,
    /// <summary>The version is not a number, or fewer than the 7 header fields are present.</summary>
    BadHeader,
    /// <summary>The header is fine but the extension has text that is no <c>key=value</c>; the pairs before it were kept.</summary>
    BadExtension,
}
