using System.Globalization;
using System.Text;

namespace FlowRelay.Engine.Dns;

/// <summary>
/// Puts a logged query name in the form ECS documents carry: ASCII lower-case, no trailing dot,
/// IDN labels in punycode (RFC 5891 A-labels), with the Unicode form (U-labels) beside when the
/// name has any. Plain ASCII names without <c>xn--</c> labels pass through without allocating.
/// </summary>
public static class DnsQuestionName
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = true, UseStd3AsciiRules = false };

    /// <summary>
    /// Normalises <paramref name="name"/>; <paramref name="unicode"/> is the Unicode form when it
    /// differs from the ASCII one (an IDN), otherwise null.
    /// </summary>
    public static string Normalize(string name, out string? unicode)
    {
        unicode = null;
        if (string.IsNullOrEmpty(name)) return name ?? "";
        string ascii = name;
        if (!Ascii.IsValid(name))
        {
            // A log that writes the name in Unicode (Zeek can): the A-label form is what went on the wire.
            try
            {
                ascii = Idn.GetAscii(name.TrimEnd('.'));
            }
            catch (ArgumentException)
            {
                return LowerTrim(name);
            }
        }
        ascii = LowerTrim(ascii);
        if (ascii.Contains("xn--", StringComparison.Ordinal))
        {
            try
            {
                string u = Idn.GetUnicode(ascii);
                if (!string.Equals(u, ascii, StringComparison.Ordinal)) unicode = u;
            }
            catch (ArgumentException)
            {
                // Not a valid A-label (a name merely containing "xn--"): no Unicode form.
            }
        }
        return ascii;
    }

    private static string LowerTrim(string s)
    {
        int end = s.Length;
        if (end > 1 && s[end - 1] == '.') end--;
        bool upper = false;
        for (int i = 0; i < end; i++)
        {
            if (s[i] is >= 'A' and <= 'Z') { upper = true; break; }
        }
        if (!upper) return end == s.Length ? s : s[..end];
        return s[..end].ToLowerInvariant();
    }
}
