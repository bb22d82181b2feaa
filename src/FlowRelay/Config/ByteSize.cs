using System.ComponentModel;
using System.Globalization;

namespace FlowRelay.Config;

/// <summary>
/// A number of bytes written with a unit: <c>512</c>, <c>64KiB</c>, <c>100MiB</c>, <c>1GiB</c>
/// (powers of 1024) or <c>100MB</c> (powers of 1000).
/// </summary>
[TypeConverter(typeof(ByteSizeConverter))]
public readonly record struct ByteSize(long Bytes) : IComparable<ByteSize>
{
    private static readonly (string Unit, long Factor)[] Units =
    [
        ("TiB", 1L << 40), ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10),
        ("TB", 1_000_000_000_000L), ("GB", 1_000_000_000L), ("MB", 1_000_000L), ("KB", 1_000L), ("kB", 1_000L),
        ("B", 1L), ("", 1L),
    ];

    public static ByteSize FromKiB(long n) => new(n << 10);
    public static ByteSize FromMiB(long n) => new(n << 20);
    public static ByteSize FromGiB(long n) => new(n << 30);

    /// <summary>Parses text such as <c>100MiB</c>; throws <see cref="FormatException"/> saying what is allowed.</summary>
    public static ByteSize Parse(string text)
    {
        if (TryParse(text, out var b)) return b;
        throw new FormatException($"'{text}' is not a size: use a number and a unit (B, KiB, MiB, GiB, TiB, KB, MB, GB, TB), e.g. 100MiB");
    }

    /// <summary>Parses text such as <c>100MiB</c>.</summary>
    public static bool TryParse(string? text, out ByteSize size)
    {
        size = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        int n = 0;
        while (n < s.Length && (char.IsAsciiDigit(s[n]) || s[n] == '.')) n++;
        if (n == 0) return false;
        if (!decimal.TryParse(s.AsSpan(0, n), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal number)) return false;
        var unit = s.AsSpan(n).Trim();
        foreach (var (name, factor) in Units)
        {
            if (!unit.Equals(name, StringComparison.Ordinal)) continue;
            decimal bytes = number * factor;
            if (bytes > long.MaxValue || bytes != decimal.Truncate(bytes)) return false;
            size = new ByteSize((long)bytes);
            return true;
        }
        return false;
    }

    /// <summary>The largest binary unit that represents the value exactly, e.g. <c>100MiB</c>.</summary>
    public override string ToString()
    {
        if (Bytes == 0) return "0B";
        foreach (var (name, factor) in Units)
        {
            if (!name.EndsWith("iB", StringComparison.Ordinal)) continue;
            if (Bytes % factor == 0) return (Bytes / factor).ToString(CultureInfo.InvariantCulture) + name;
        }
        return Bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }

    public int CompareTo(ByteSize other) => Bytes.CompareTo(other.Bytes);

    public static bool operator <(ByteSize a, ByteSize b) => a.Bytes < b.Bytes;
    public static bool operator >(ByteSize a, ByteSize b) => a.Bytes > b.Bytes;
    public static bool operator <=(ByteSize a, ByteSize b) => a.Bytes <= b.Bytes;
    public static bool operator >=(ByteSize a, ByteSize b) => a.Bytes >= b.Bytes;
}
