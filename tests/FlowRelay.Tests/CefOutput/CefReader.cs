using System.Text;

namespace FlowRelay.Tests.CefOutput;

/// <summary>
/// A reader of CEF written from the standard's own rules (ArcSight "Implementing ArcSight CEF",
/// rev. 25, "Character encoding"): the header is seven '|'-separated fields in which only "\|" and
/// "\\" are escapes; in the extension, "\=", "\\", "\n" and "\r" are escapes, a key is a run of
/// [A-Za-z0-9_] followed by an unescaped '=', and a value runs to the space before the next key
/// (values may contain spaces and unescaped '|'). It is used as the judge of the formatter because
/// (1) it implements exactly those rules and nothing else, (2) its own test replays the standard's
/// examples, and (3) it does not share code with the formatter. (The npm package nsyslog-parser is
/// not used: it loses the text after an escaped "\=" in an extension value.)
/// </summary>
internal static class CefReader
{
    public sealed record Record(string Version, string Vendor, string Product, string DeviceVersion, string SignatureId, string Name, string Severity,
        Dictionary<string, string> Extension);

    public static Record Parse(string cef)
    {
        int start = cef.IndexOf("CEF:", StringComparison.Ordinal);
        if (start < 0) throw new FormatException("no CEF: prefix");
        var header = new List<string>();
        var field = new StringBuilder();
        int i = start + 4;
        while (header.Count < 7)
        {
            if (i >= cef.Length) throw new FormatException("header ends early");
            char c = cef[i];
            if (c == '\\' && i + 1 < cef.Length && (cef[i + 1] == '|' || cef[i + 1] == '\\'))
            {
                field.Append(cef[i + 1]);
                i += 2;
                continue;
            }
            if (c == '|')
            {
                header.Add(field.ToString());
                field.Clear();
                i++;
                continue;
            }
            field.Append(c);
            i++;
        }
        return new Record(header[0], header[1], header[2], header[3], header[4], header[5], header[6], ParseExtension(cef[i..]));
    }

    private static Dictionary<string, string> ParseExtension(string ext)
    {
        // Find key starts: positions p where ext[p..] matches "key=" with the '=' unescaped, and p is 0 or follows a space.
        var keys = new List<(int KeyStart, int EqualsAt)>();
        for (int p = 0; p < ext.Length; p++)
        {
            if (p > 0 && ext[p - 1] != ' ') continue;
            int q = p;
            while (q < ext.Length && (char.IsAsciiLetterOrDigit(ext[q]) || ext[q] == '_')) q++;
            if (q > p && q < ext.Length && ext[q] == '=' && !Escaped(ext, q)) keys.Add((p, q));
        }
        var result = new Dictionary<string, string>();
        for (int k = 0; k < keys.Count; k++)
        {
            int valueStart = keys[k].EqualsAt + 1;
            int valueEnd = k + 1 < keys.Count ? keys[k + 1].KeyStart - 1 : ext.Length;
            string key = ext[keys[k].KeyStart..keys[k].EqualsAt];
            result[key] = Unescape(ext[valueStart..Math.Max(valueStart, valueEnd)]);
        }
        return result;
    }

    /// <summary>True when the character at <paramref name="at"/> is preceded by an odd number of backslashes.</summary>
    private static bool Escaped(string s, int at)
    {
        int n = 0;
        for (int i = at - 1; i >= 0 && s[i] == '\\'; i--) n++;
        return n % 2 == 1;
    }

    private static string Unescape(string v)
    {
        var sb = new StringBuilder(v.Length);
        for (int i = 0; i < v.Length; i++)
        {
            if (v[i] == '\\' && i + 1 < v.Length)
            {
                char n = v[i + 1];
                switch (n)
                {
                    case '\\': sb.Append('\\'); i++; continue;
                    case '=': sb.Append('='); i++; continue;
                    case 'n': sb.Append('\n'); i++; continue;
                    case 'r': sb.Append('\r'); i++; continue;
                }
            }
            sb.Append(v[i]);
        }
        return sb.ToString();
    }
}
