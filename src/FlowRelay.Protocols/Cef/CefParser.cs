using System.Text;

namespace FlowRelay.Protocols.Cef;

/// <summary>
/// Parses CEF (ArcSight Common Event Format, "Implementing ArcSight CEF" rev. 25) messages,
/// as Filebeat's decode_cef reads them: a syslog header or other prefix before <c>CEF:</c> is
/// skipped; header fields split on unescaped '|' with <c>\|</c> and <c>\\</c> undone; extension
/// values may contain spaces, a key being the word right before the next unescaped '=';
/// <c>\=</c>, <c>\\</c>, <c>\n</c>, <c>\r</c> undone in values. Never throws.
/// </summary>
public static class CefParser
{
    private const int HeaderFields = 7;

    /// <summary>Parses UTF-8 bytes.</summary>
    public static CefParseStatus Parse(ReadOnlySpan<byte> message, out CefEvent? cef)
    {
        cef = null;
        if (message.IsEmpty) return CefParseStatus.Empty;
        int at = message.IndexOf("CEF:"u8);
        if (at < 0) return CefParseStatus.NotCef;
        return Parse(Encoding.UTF8.GetString(message[at..]).AsSpan(), out cef);
    }

    /// <summary>Parses text.</summary>
    public static CefParseStatus Parse(string message, out CefEvent? cef) => Parse(message.AsSpan(), out cef);

    private static CefParseStatus Parse(ReadOnlySpan<char> s, out CefEvent? cef)
    {
        cef = null;
        int at = s.IndexOf("CEF:", StringComparison.Ordinal);
        if (at < 0) return s.IsEmpty ? CefParseStatus.Empty : CefParseStatus.NotCef;
        s = s[at..];
        while (!s.IsEmpty && s[^1] is '\n' or '\r' or '\0') s = s[..^1];

        // Header: seven fields, each ended by an unescaped '|'.
        Span<int> bars = stackalloc int[HeaderFields];
        int found = 0;
        for (int i = 4; i < s.Length && found < HeaderFields; i++)
        {
            if (s[i] == '\\') { i++; continue; }
            if (s[i] == '|') bars[found++] = i;
        }
        if (found < HeaderFields) return CefParseStatus.BadHeader;
        var versionText = s[4..bars[0]].Trim();
        if (!int.TryParse(versionText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int version))
            return CefParseStatus.BadHeader;

        var e = new CefEvent
        {
            Original = s.ToString(),
            Version = version,
            DeviceVendor = UnescapeHeader(s[(bars[0] + 1)..bars[1]]),
            DeviceProduct = UnescapeHeader(s[(bars[1] + 1)..bars[2]]),
            DeviceVersion = UnescapeHeader(s[(bars[2] + 1)..bars[3]]),
            DeviceEventClassId = UnescapeHeader(s[(bars[3] + 1)..bars[4]]),
            Name = UnescapeHeader(s[(bars[4] + 1)..bars[5]]),
            Severity = UnescapeHeader(s[(bars[5] + 1)..bars[6]]),
        };
        e.SeverityNumber = SeverityNumber(e.Severity);
        cef = e;
        return ParseExtension(s[(bars[6] + 1)..], e.Extensions);
    }

    private static CefParseStatus ParseExtension(ReadOnlySpan<char> x, List<KeyValuePair<string, string>> output)
    {
        // Find every unescaped '=' whose left side is a key: the run of key characters before it,
        // starting the extension or preceded by a space. Other '=' belong to the value.
        int keyStart = -1, keyEnd = -1;
        var status = CefParseStatus.Ok;
        int start = 0;
        while (start < x.Length && x[start] == ' ') start++;
        for (int i = start; i < x.Length; i++)
        {
            char c = x[i];
            if (c == '\\') { i++; continue; }
            if (c != '=') continue;
            int k = i;
            while (k > start && IsKeyChar(x[k - 1])) k--;
            if (k == i || (k > start && x[k - 1] != ' ')) continue;
            if (keyStart < 0)
            {
                if (k != start) status = CefParseStatus.BadExtension; // text before the first key
            }
            else
            {
                output.Add(new(x[keyStart..keyEnd].ToString(), UnescapeValue(TrimValue(x[(keyEnd + 1)..k]))));
            }
            keyStart = k;
            keyEnd = i;
        }
        if (keyStart >= 0)
            output.Add(new(x[keyStart..keyEnd].ToString(), UnescapeValue(TrimValue(x[(keyEnd + 1)..]))));
        else if (!x[start..].Trim().IsEmpty)
            status = CefParseStatus.BadExtension;
        return status;
    }

    // The space that separates a value from the next key is not part of the value; trailing
    // spaces generally are not either (Filebeat trims them).
    private static ReadOnlySpan<char> TrimValue(ReadOnlySpan<char> v) => v.TrimEnd(' ');

    // ArcSight keys are letters and digits; vendors add '_', '.', '-' and '[n]' indexes.
    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '[' or ']';

    private static string UnescapeHeader(ReadOnlySpan<char> v)
    {
        if (v.IndexOf('\\') < 0) return v.ToString();
        var sb = new StringBuilder(v.Length);
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] == '\\' && i + 1 < v.Length && v[i + 1] is '|' or '\\') i++;
            sb.Append(v[i]);
        }
        return sb.ToString();
    }

    private static string UnescapeValue(ReadOnlySpan<char> v)
    {
        if (v.IndexOf('\\') < 0) return v.ToString();
        var sb = new StringBuilder(v.Length);
        for (int i = 0; i < v.Length; i++)
        {
            char c = v[i];
            if (c == '\\' && i + 1 < v.Length)
            {
                char n = v[i + 1];
                switch (n)
                {
                    case '=': case '\\': case '|': sb.Append(n); i++; continue;
                    case 'n': sb.Append('\n'); i++; continue;
                    case 'r': sb.Append('\r'); i++; continue;
                }
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    // CEF rev. 25 "Severity": 0-3 Low, 4-6 Medium, 7-8 High, 9-10 Very-High, or those words.
    private static int SeverityNumber(string s)
    {
        if (int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)) return n;
        return s.ToLowerInvariant() switch
        {
            "low" => 0,
            "medium" => 4,
            "high" => 7,
            "very-high" => 9,
            _ => -1,
        };
    }
}
