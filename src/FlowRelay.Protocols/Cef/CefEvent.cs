namespace FlowRelay.Protocols.Cef;

/// <summary>
/// One parsed CEF message: <c>CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension</c>,
/// escapes undone, with the original text kept for <c>event.original</c>.
/// </summary>
public sealed class CefEvent
{
    /// <summary>The message as received (from the <c>CEF:</c> marker on, prefix such as a syslog header excluded).</summary>
    public string Original { get; internal set; } = "";

    /// <summary>CEF version (0 or 1).</summary>
    public int Version { get; internal set; }

    /// <summary>Device Vendor.</summary>
    public string DeviceVendor { get; internal set; } = "";

    /// <summary>Device Product.</summary>
    public string DeviceProduct { get; internal set; } = "";

    /// <summary>Device Version.</summary>
    public string DeviceVersion { get; internal set; } = "";

    /// <summary>Signature ID (Device Event Class ID).</summary>
    public string DeviceEventClassId { get; internal set; } = "";

    /// <summary>Name: a human-readable description of the event.</summary>
    public string Name { get; internal set; } = "";

    /// <summary>Severity as sent: 0-10 or Unknown, Low, Medium, High, Very-High.</summary>
    public string Severity { get; internal set; } = "";

    /// <summary>Severity as a number (Low 0, Medium 4, High 7, Very-High 9, as Filebeat maps it), -1 when unknown.</summary>
    public int SeverityNumber { get; internal set; } = -1;

    /// <summary>Extension key/value pairs in the order sent, values unescaped.</summary>
    public List<KeyValuePair<string, string>> Extensions { get; } = new();

    /// <summary>The value of extension <paramref name="key"/> (last one wins), or null.</summary>
    public string? Get(string key)
    {
        for (int i = Extensions.Count - 1; i >= 0; i--)
            if (Extensions[i].Key == key) return Extensions[i].Value;
        return null;
    }
}
