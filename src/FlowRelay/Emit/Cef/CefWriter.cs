using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Unicode;
using FlowRelay.Engine.Ecs;

namespace FlowRelay.Emit.Cef;

/// <summary>
/// Writes one CEF record (ArcSight Common Event Format, rev. 25) as UTF-8 into a buffer it owns:
/// <c>CEF:0|Vendor|Product|Version|Signature ID|Name|Severity|key=value key=value …</c>.
/// <list type="bullet">
/// <item>Header fields escape <c>\</c> as <c>\\</c> and <c>|</c> as <c>\|</c>; a line break in a
/// header field (which CEF does not allow) becomes a space.</item>
/// <item>Extension values escape <c>\</c> as <c>\\</c>, <c>=</c> as <c>\=</c>, CR and LF as the two
/// characters <c>\r</c> and <c>\n</c>; <c>|</c> is not escaped there. Keys are the standard's.</item>
/// <item>Lengths are the standard's, in characters, applied to the unescaped value before escaping,
/// so a cut never splits an escape sequence or a UTF-8 character (or a surrogate pair).</item>
/// </list>
/// An extension is written with its separator and key as one piece, <c>key</c> in the
/// methods below: <c>"rt="u8</c> for the first one after the header, <c>" start="u8</c> (a leading
/// space) for the others, so the caller's constants are copied whole. A value is transcoded in one
/// go and its UTF-8 scanned (vectorised) for the characters to escape; the runs between them are
/// copied whole. No allocation per record once the buffers have grown.
/// </summary>
public sealed class CefWriter
{
    /// <summary>Header length limits of the standard.</summary>
    public const int VendorMax = 63, ProductMax = 63, VersionMax = 31, SignatureMax = 1023, NameMax = 512;

    private static readonly SearchValues<byte> HeaderSpecials = SearchValues.Create("\\|\n\r"u8);
    private static readonly SearchValues<byte> ExtensionSpecials = SearchValues.Create("\\=\n\r"u8);

    private byte[] _buffer;
    private int _length;

    // The part of a value after its first character to escape, while it is escaped back into _buffer.
    private byte[] _scratch = new byte[256];

    public CefWriter(int initialCapacity = 4096) => _buffer = new byte[Math.Max(initialCapacity, 256)];

    /// <summary>Bytes written since the last <see cref="Reset"/>.</summary>
    public int Length => _length;

    /// <summary>The record so far; valid until the next write.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => new(_buffer, 0, _length);

    /// <summary>The record so far; valid until the next write.</summary>
    public ReadOnlySpan<byte> WrittenSpan => new(_buffer, 0, _length);

    /// <summary>Starts a new record (the buffer is kept).</summary>
    public void Reset() => _length = 0;

    /// <summary>Room for at least <paramref name="size"/> bytes at the end; <see cref="Advance"/> by what was written.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    /// <summary>Writes bytes as they are (constants: keys, pre-encoded headers and labels).</summary>
    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Writes the header up to and including the last <c>|</c> before the extension.</summary>
    public void Header(string vendor, string product, string version, string signatureId, string name, int severity)
    {
        Raw("CEF:0|"u8);
        HeaderField(vendor, VendorMax);
        HeaderField(product, ProductMax);
        HeaderField(version, VersionMax);
        HeaderField(signatureId, SignatureMax);
        HeaderField(name, NameMax);
        Severity(severity);
    }

    /// <summary>A header field, escaped and cut to <paramref name="maxLength"/> characters, and its closing <c>|</c>.</summary>
    public void HeaderField(ReadOnlySpan<char> value, int maxLength)
    {
        Escaped(value, maxLength, header: true);
        Ensure(1);
        _buffer[_length++] = (byte)'|';
    }

    /// <summary>The header's severity (clamped to 0-10) and the <c>|</c> that ends the header.</summary>
    public void Severity(int severity)
    {
        Ensure(3);
        severity = Math.Clamp(severity, 0, 10);
        if (severity == 10)
        {
            _buffer[_length++] = (byte)'1';
            _buffer[_length++] = (byte)'0';
        }
        else
        {
            _buffer[_length++] = (byte)('0' + severity);
        }
        _buffer[_length++] = (byte)'|';
    }

    /// <summary>Writes <c>key=value</c> (skipped when value is null), the value escaped and cut to <paramref name="maxLength"/> characters.</summary>
    public void Extension(ReadOnlySpan<byte> key, string? value, int maxLength = 1023)
    {
        if (value is null) return;
        Raw(key);
        Escaped(value, maxLength, header: false);
    }

    /// <summary>Writes <c>key=value</c> for text held in a span, escaped and cut as <see cref="Extension(ReadOnlySpan{byte}, string?, int)"/> does.</summary>
    public void ExtensionText(ReadOnlySpan<byte> key, ReadOnlySpan<char> value, int maxLength = 1023)
    {
        Raw(key);
        Escaped(value, maxLength, header: false);
    }

    /// <summary>Writes <c>key=number</c>.</summary>
    public void Extension(ReadOnlySpan<byte> key, long value)
    {
        Ensure(key.Length + 20);
        var buffer = _buffer;
        int o = _length;
        key.CopyTo(buffer.AsSpan(o));
        o += key.Length;
        ulong magnitude;
        if (value < 0)
        {
            buffer[o++] = (byte)'-';
            magnitude = (ulong)(-(value + 1)) + 1; // long.MinValue too
        }
        else
        {
            magnitude = (ulong)value;
        }
        _length = o + AsciiDigits.Write(magnitude, buffer.AsSpan(o));
    }

    /// <summary>Writes <c>key=number</c> for a floating-point field (cfpN), as <c>"0.######"</c> writes it.</summary>
    public void Extension(ReadOnlySpan<byte> key, double value)
    {
        Raw(key);
        Ensure(DecimalMax);
        _length += FormatDecimal(value, _buffer.AsSpan(_length));
    }

    /// <summary>Writes <c>key=bytes</c> for a value already valid as-is (an IP address, digits).</summary>
    public void ExtensionRaw(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Ensure(key.Length + value.Length);
        key.CopyTo(_buffer.AsSpan(_length));
        value.CopyTo(_buffer.AsSpan(_length + key.Length));
        _length += key.Length + value.Length;
    }

    private const int DecimalMax = 32;

    /// <summary>
    /// <paramref name="value"/> as <c>value.TryFormat(…, "0.######", InvariantCulture)</c> writes it. Values of
    /// the form n/64 under a billion in magnitude (whole numbers, halves, quarters … the usual scores) are
    /// written here: their decimal expansion has at most 6 decimals and 15 significant digits, so the
    /// format's rounding to 15 digits and then to 6 decimals changes nothing. The rest goes to the formatter.
    /// </summary>
    internal static int FormatDecimal(double value, Span<byte> destination)
    {
        double scaled = value * 64; // exact: a power of two
        if (value != 0 && Math.Abs(value) < 1e9 && scaled == Math.Floor(scaled) && destination.Length >= 18)
        {
            int o = 0;
            long n = (long)scaled;
            if (n < 0)
            {
                destination[o++] = (byte)'-';
                n = -n;
            }
            long whole = n >> 6;
            int sixtyFourths = (int)(n & 63);
            o += AsciiDigits.Write((ulong)whole, destination[o..]);
            if (sixtyFourths != 0)
            {
                // 1/64 = 0.015625: six decimals, then the trailing zeros dropped.
                int micros = sixtyFourths * 15_625;
                destination[o++] = (byte)'.';
                int digits = 6;
                while (micros % 10 == 0)
                {
                    micros /= 10;
                    digits--;
                }
                for (int i = o + digits - 1; i >= o; i--)
                {
                    destination[i] = (byte)('0' + micros % 10);
                    micros /= 10;
                }
                o += digits;
            }
            return o;
        }
        // At most 32 bytes, as the writer always allowed: a value whose text is longer (beyond about
        // 1e31 in magnitude) is left empty.
        value.TryFormat(destination[..Math.Min(destination.Length, DecimalMax)], out int written, "0.######", CultureInfo.InvariantCulture);
        return written;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int size)
    {
        if (_buffer.Length - _length < size) Grow(size);
    }

    private void Grow(int size)
    {
        var bigger = new byte[Math.Max(_buffer.Length * 2, _length + size)];
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        _buffer = bigger;
    }

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
        // At most 3 bytes per character: 3 for UTF-8 up to U+FFFF (4 for a pair of two), 2 for an escaped one.
        Ensure(s.Length * 3 + 4);
        var dest = _buffer.AsSpan(_length);
        // The whole value transcoded at once (invalid UTF-16 becomes U+FFFD, as Encoding.UTF8 makes
        // it); the characters to escape are ASCII, so in UTF-8 they occur only as themselves.
        var status = Utf8.FromUtf16(s, dest, out _, out int written);
        Debug.Assert(status == OperationStatus.Done);
        var specials = header ? HeaderSpecials : ExtensionSpecials;
        int first = dest[..written].IndexOfAny(specials);
        if (first < 0)
        {
            _length += written; // usually nothing to escape
            return;
        }
        // Escape from the first special on: move the rest aside, then copy it back run by run.
        int rest = written - first;
        if (_scratch.Length < rest) _scratch = new byte[Math.Max(rest, _scratch.Length * 2)];
        dest[first..written].CopyTo(_scratch);
        ReadOnlySpan<byte> from = _scratch.AsSpan(0, rest);
        int o = first;
        while (true)
        {
            int k = from.IndexOfAny(specials);
            if (k < 0)
            {
                from.CopyTo(dest[o..]);
                o += from.Length;
                break;
            }
            from[..k].CopyTo(dest[o..]);
            o += k;
            byte c = from[k];
            if (header)
            {
                // A line break (not allowed in a header) becomes a space.
                if (c is (byte)'\\' or (byte)'|') dest[o++] = (byte)'\\';
                else c = (byte)' ';
            }
            else
            {
                dest[o++] = (byte)'\\';
                if (c == (byte)'\n') c = (byte)'n';
                else if (c == (byte)'\r') c = (byte)'r';
            }
            dest[o++] = c;
            from = from[(k + 1)..];
        }
        _length += o;
    }
}
