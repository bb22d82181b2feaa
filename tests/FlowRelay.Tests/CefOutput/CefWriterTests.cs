using System.Globalization;
using System.Text;
using FlowRelay.Emit.Cef;
using Xunit;

namespace FlowRelay.Tests.CefOutput;

/// <summary>
/// The writer's fast paths (a value transcoded whole and scanned for what to escape, digits and
/// decimals written by hand, the buffer grown on demand) against plain reference implementations:
/// escape the cut string character by character and encode it with <see cref="Encoding.UTF8"/>,
/// format numbers with the runtime's formatter. Seeded random inputs, so a failure repeats.
/// </summary>
public class CefWriterTests
{
    // Characters to escape, line breaks, multi-byte characters, a surrogate pair and lone surrogates.
    private static readonly string[] Pieces = ["a", "Z", "0", " ", ".", "\\", "|", "=", "\n", "\r", "é", "日", "🛰", "\uD83D", "\uDE80", "-", "x"];

    [Fact]
    public void Escaped_values_are_what_escaping_character_by_character_makes()
    {
        var random = new Random(1023);
        for (int i = 0; i < 20_000; i++)
        {
            var text = new StringBuilder();
            int pieces = random.Next(4) == 0 ? random.Next(200) : random.Next(12);
            // Mostly plain text (the fast path), sometimes anything.
            bool plain = random.Next(2) == 0;
            for (int p = 0; p < pieces; p++) text.Append(plain ? Pieces[random.Next(3)] : Pieces[random.Next(Pieces.Length)]);
            string value = text.ToString();
            int max = random.Next(3) == 0 ? random.Next(1, 40) : 1023;

            var w = new CefWriter(256);
            w.Extension(" k="u8, value, max);
            Assert.Equal(Encoding.UTF8.GetBytes(" k=" + ReferenceString(value, max, header: false)), w.WrittenSpan.ToArray());

            w.Reset();
            w.HeaderField(value, max);
            Assert.Equal(Encoding.UTF8.GetBytes(ReferenceString(value, max, header: true) + "|"), w.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void Header_and_records_longer_than_the_buffer_grow_it()
    {
        var w = new CefWriter(16);
        w.Header("Vendor|x", "Product\\", "1.0", "sig", "name\nnext", 12);
        string value = new('é', 3000);
        w.Extension(" msg="u8, value, 4000);
        w.Extension(" cn1="u8, long.MinValue);
        Assert.Equal("CEF:0|Vendor\\|x|Product\\\\|1.0|sig|name next|10| msg=" + value + " cn1=-9223372036854775808", Encoding.UTF8.GetString(w.WrittenSpan));
        Assert.Equal(w.Length, w.WrittenMemory.Length);
    }

    [Fact]
    public void Numbers_are_the_runtime_formatter_s()
    {
        var random = new Random(64);
        var values = new List<long> { 0, 1, -1, 9, 10, 99, 100, 999, 1000, long.MaxValue, long.MinValue, long.MinValue + 1 };
        for (long p = 1; p > 0 && p <= long.MaxValue / 10; p *= 10) values.AddRange([p - 1, p, p + 1, -p, -(p - 1)]);
        for (int i = 0; i < 10_000; i++) values.Add(random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64));
        var w = new CefWriter(64);
        foreach (long v in values)
        {
            w.Reset();
            w.Extension(" n="u8, v);
            Assert.Equal(" n=" + v.ToString(CultureInfo.InvariantCulture), Encoding.UTF8.GetString(w.WrittenSpan));
        }
    }

    [Fact]
    public void Decimals_are_what_the_0_hash_format_makes()
    {
        var random = new Random(6);
        var values = new List<double>
        {
            0, -0.0, 1, -1, 0.5, -0.5, 1.0 / 64, -1.0 / 64, 63.0 / 64, 1e9, -1e9, 1e9 - 1.0 / 64, -(1e9 - 1.0 / 64), 1e15, 1e16, 123456789.984375,
            0.1, 0.3, 0.1 + 0.2, 1234567.891, 72.5, 10.5, 1e-7, 5e-7, -5e-7, 0.0000005, 1.0000005, 2.5e-7, 1.5e9, double.MaxValue, double.MinValue,
            double.Epsilon, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        };
        for (int i = 0; i < 20_000; i++)
        {
            values.Add(random.Next(4) switch
            {
                0 => random.NextInt64(-64_000_000_000, 64_000_000_000) / 64.0, // the fast path's n/64
                1 => random.Next(-100_000, 100_000) / 8.0,
                2 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 18)),
                _ => random.Next(-1000, 1000) * 3.14159,
            });
        }
        Span<byte> actual = stackalloc byte[400];
        foreach (double v in values)
        {
            int n = CefWriter.FormatDecimal(v, actual);
            string expected = v.ToString("0.######", CultureInfo.InvariantCulture);
            // Text longer than 32 bytes (double.MaxValue's 309 digits) is left out, as it always was.
            Assert.True((expected.Length <= 32 ? expected : "") == Encoding.ASCII.GetString(actual[..n]), $"{v:R}");
        }
    }

    /// <summary>
    /// The value cut to <paramref name="max"/> characters (not inside a surrogate pair), then escaped
    /// character by character; Encoding.UTF8 then makes each lone surrogate U+FFFD.
    /// </summary>
    private static string ReferenceString(string value, int max, bool header)
    {
        if (value.Length > max) value = value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];
        var s = new StringBuilder();
        foreach (char c in value)
        {
            s.Append((c, header) switch
            {
                ('\\', _) => "\\\\",
                ('|', true) => "\\|",
                ('=', false) => "\\=",
                ('\n', true) or ('\r', true) => " ",
                ('\n', false) => "\\n",
                ('\r', false) => "\\r",
                _ => c.ToString(),
            });
        }
        return s.ToString();
    }
}
