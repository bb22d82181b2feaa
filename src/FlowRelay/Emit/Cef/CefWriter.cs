using System.Buffers;
using System.Globalization;
using System.Text;

namespace FlowRelay.Emit.Cef;

/// <summary>
/// Writes one CEF record (ArcSight Common Event Format, rev. 25) as UTF-8 into a buffer:
/// <c>CEF:0|Vendor|Product|Version|Signature ID|Name|Severity|key=value key=value …</c>.
/// <list type="bullet">
/// <item>Header fields escape <c>\</c> as <c>\\</c> and <c>|</c> as <c>\|</c>; a line break in a
/// header field (which CEF does not allow) becomes a space.</item>
/// <item>Extension values escape <c>\</c> as <c>\\</c>, <c>=</c> as <c>\=</c>, CR and LF as the two
/// characters <c>\r</c> and <c>\n</c>; <c>|</c> is not escaped there. Keys are the standard's.</item>
/// <item>Lengths are the standard's, in characters, applied to the unescaped value before escaping,
/// so a cut never splits an escape sequence or a UTF-8 character (or a surrogate pair).</item>
/// </list>
/// No allocation per record once the buffer has grown.
/// </summary>
public sealed class CefWriter
{
    /// <summary>Header length limits of the standard.</summary>
    public const int VendorMax = 63, ProductMax = 63, VersionMax = 31, SignatureMax = 1023, NameMax = 512;

    private readonly ArrayBufferWriter<byte> _buffer;
    private bool _firstExtension;

    public CefWriter(ArrayBufferWriter<byte> buffer) => _buffer = buffer;

    public ArrayBufferWriter<byte> Buffer => _buffer;

    /// <summary>Writes the header up to and including the last <c>|</c> before the extension.</summary>
    public void Header(string vendor, string product, string version, string signatureId, string name, int severity)
    {
        Raw("CEF:0|"u8);
        HeaderField(vendor, VendorMax);
        HeaderField(product, ProductMax);
        HeaderField(version, VersionMax);
        HeaderField(signatureId, SignatureMax);
        HeaderField(name, NameMax);
        Span<byte> digits = stackalloc byte[4];
        Math.Clamp(severity, 0, 10).TryFormat(digits, out int n, default, CultureInfo.InvariantCulture);
        Raw(digits[..n]);
        Raw("|"u8);
        _firstExtension = true;
    }

    /// <summary>Writes <c>key=value</c> (skipped when value is null), the value escaped and cut to <paramref name="maxLength"/> characters.</summary>
    public void Extension(ReadOnlySpan<byte> key, string? value, int maxLength = 1023)
    {
        if (value is null) return;
        Key(key);
        Escaped(value, maxLength, header: false);
    }

    /// <summary>Writes <c>key=value</c> for text held in a span, escaped and cut as <see cref="Extension(ReadOnlySpan{byte}, string?, int)"/> does.</summary>
    public void ExtensionText(ReadOnlySpan<byte> key, ReadOnlySpan<char> value, int maxLength = 1023)
    {
        Key(key);
        Escaped(value, maxLength, header: false);
    }

    /// <summary>Writes <c>key=number</c>.</summary>
    public void Extension(ReadOnlySpan<byte> key, long value)
    {
        Key(key);
        Span<byte> digits = stackalloc byte[24];
        value.TryFormat(digits, out int n, default, CultureInfo.InvariantCulture);
        Raw(digits[..n]);
    }

    /// <summary>Writes <c>key=number</c> for a floating-point field (cfpN).</summary>
    public void Extension(ReadOnlySpan<byte> key, double value)
    {
        Key(key);
        Span<byte> digits = stackalloc byte[32];
        value.TryFormat(digits, out int n, "0.######", CultureInfo.InvariantCulture);
        Raw(digits[..n]);
    }

    /// <summary>Writes <c>key=bytes</c> for a value already valid as-is (an IP address, digits).</summary>
    public void ExtensionRaw(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Key(key);
        Raw(value);
    }

    private void Key(ReadOnlySpan<byte> key)
    {
        if (!_firstExtension) Raw(" "u8);
        _firstExtension = false;
        Raw(key);
        Raw("="u8);
    }

    private void HeaderField(string value, int maxLength)
    {
        Escaped(value, maxLength, header: true);
        Raw("|"u8);
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);

    private void Escaped(ReadOnlySpan<char> value, int maxLength, bool header)
    {
        // Cut by characters, never inside a surrogate pair.
        var s = value;
        if (s.Length > maxLength)
        {
            int cut = maxLength;
            if (char.IsHighSurrogate(s[cut - 1])) cut--;
            s = s[..cut];
        }
        // Worst case: every char escaped (2 bytes) or 3 UTF-8 bytes.
        var dest = _buffer.GetSpan(s.Length * 3 + 4);
        int o = 0;
        int runStart = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            byte replacement;
            bool escape;
            switch (c)
            {
                case '\\': escape = true; replacement = (byte)'\\'; break;
                case '|' when header: escape = true; replacement = (byte)'|'; break;
                case '=' when !header: escape = true; replacement = (byte)'='; break;
                case '\n': escape = !header; replacement = header ? (byte)' ' : (byte)'n'; break;
                case '\r': escape = !header; replacement = header ? (byte)' ' : (byte)'r'; break;
                default: continue;
            }
            o += Encoding.UTF8.GetBytes(s[runStart..i], dest[o..]);
            if (escape) dest[o++] = (byte)'\\';
            dest[o++] = replacement;
            runStart = i + 1;
        }
        o += Encoding.UTF8.GetBytes(s[runStart..], dest[o..]);
        _buffer.Advance(o);
    }
}
