namespace FlowRelay.Protocols.Syslog;

/// <summary>
/// Walks RFC 5424 STRUCTURED-DATA (<see cref="SyslogMessage.StructuredData"/>) element by
/// element and parameter by parameter without allocating. Values are given raw (still escaped);
/// <see cref="Unescape"/> undoes RFC 5424 §6.3.3 escaping. Stops (returns false) on malformed text.
/// </summary>
/// <example><code>
/// var r = new StructuredDataReader(msg.StructuredData);
/// while (r.MoveNextElement())
///     while (r.MoveNextParam()) Use(r.ElementId, r.ParamName, r.RawValue);
/// </code></example>
public ref struct StructuredDataReader
{
    private readonly ReadOnlySpan<byte> _s;
    private int _pos;
    private bool _inElement;

    /// <summary>Reads <paramref name="structuredData"/> (the whole SD text, brackets included).</summary>
    public StructuredDataReader(ReadOnlySpan<byte> structuredData)
    {
        _s = structuredData;
        _pos = 0;
        _inElement = false;
        ElementId = default;
        ParamName = default;
        RawValue = default;
    }

    /// <summary>SD-ID of the current element, e.g. <c>exampleSDID@32473</c>.</summary>
    public ReadOnlySpan<byte> ElementId { get; private set; }

    /// <summary>PARAM-NAME of the current parameter.</summary>
    public ReadOnlySpan<byte> ParamName { get; private set; }

    /// <summary>PARAM-VALUE of the current parameter, without the quotes, escapes not undone.</summary>
    public ReadOnlySpan<byte> RawValue { get; private set; }

    /// <summary>Moves to the next SD-ELEMENT, skipping any unread parameters of the current one.</summary>
    public bool MoveNextElement()
    {
        while (_inElement)
            if (!MoveNextParam()) break;
        if (_inElement) return false; // malformed: stopped inside an element
        if (_pos >= _s.Length || _s[_pos] != '[') return false;
        int i = _pos + 1, start = i;
        while (i < _s.Length && IsNameChar(_s[i])) i++;
        if (i == start || i >= _s.Length || (_s[i] != ' ' && _s[i] != ']')) return false;
        ElementId = _s[start..i];
        _pos = i;
        _inElement = true;
        return true;
    }

    /// <summary>Moves to the next SD-PARAM of the current element.</summary>
    public bool MoveNextParam()
    {
        if (!_inElement || _pos >= _s.Length) return false;
        if (_s[_pos] == ']')
        {
            _pos++;
            _inElement = false;
            return false;
        }
        int end = ScanParam(_s, _pos, out int nameStart, out int nameEnd, out int valueStart, out int valueEnd);
        if (end < 0) return false;
        ParamName = _s[nameStart..nameEnd];
        RawValue = _s[valueStart..valueEnd];
        _pos = end;
        return true;
    }

    /// <summary>
    /// Writes <paramref name="raw"/> with RFC 5424 §6.3.3 escapes undone (<c>\"</c>, <c>\\</c>,
    /// <c>\]</c>; a backslash before anything else is kept). Returns the bytes written, or -1
    /// when <paramref name="destination"/> is too small (it never needs more than raw.Length).
    /// </summary>
    public static int Unescape(ReadOnlySpan<byte> raw, Span<byte> destination)
    {
        int w = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            byte c = raw[i];
            if (c == '\\' && i + 1 < raw.Length && raw[i + 1] is (byte)'"' or (byte)'\\' or (byte)']') c = raw[++i];
            if (w >= destination.Length) return -1;
            destination[w++] = c;
        }
        return w;
    }

    /// <summary>The unescaped value as a string (allocates).</summary>
    public static string UnescapeToString(ReadOnlySpan<byte> raw)
    {
        byte[] buf = new byte[raw.Length];
        int n = Unescape(raw, buf);
        return System.Text.Encoding.UTF8.GetString(buf, 0, n);
    }

    // RFC 5424 §6.3.2: SD-NAME is printable US-ASCII except '=', SP, ']' and '"'.
    private static bool IsNameChar(byte c) => c > 32 && c < 127 && c != '=' && c != ']' && c != '"';

    // One " PARAM-NAME=\"PARAM-VALUE\"" starting at the space; returns the index after the closing
    // quote, or -1.
    private static int ScanParam(ReadOnlySpan<byte> s, int i, out int nameStart, out int nameEnd, out int valueStart, out int valueEnd)
    {
        nameStart = nameEnd = valueStart = valueEnd = 0;
        if (i >= s.Length || s[i] != ' ') return -1;
        i++;
        nameStart = i;
        while (i < s.Length && IsNameChar(s[i])) i++;
        nameEnd = i;
        if (nameEnd == nameStart || i + 1 >= s.Length || s[i] != '=' || s[i + 1] != '"') return -1;
        i += 2;
        valueStart = i;
        // §6.3.3 requires ']' inside a value to be escaped; an unescaped one is accepted since the
        // quotes already delimit the value.
        while (i < s.Length && s[i] != '"')
            i += s[i] == '\\' && i + 1 < s.Length ? 2 : 1;
        if (i >= s.Length) return -1;
        valueEnd = i;
        return i + 1;
    }

    /// <summary>Validates SD-ELEMENTs from <paramref name="start"/>; returns the index after the last one or -1.</summary>
    internal static int ScanElements(ReadOnlySpan<byte> s, int start)
    {
        int i = start;
        int elements = 0;
        while (i < s.Length && s[i] == '[')
        {
            i++;
            int idStart = i;
            while (i < s.Length && IsNameChar(s[i])) i++;
            if (i == idStart) return -1;
            while (i < s.Length && s[i] == ' ')
            {
                i = ScanParam(s, i, out _, out _, out _, out _);
                if (i < 0) return -1;
            }
            if (i >= s.Length || s[i] != ']') return -1;
            i++;
            elements++;
        }
        return elements == 0 ? -1 : i;
    }
}
