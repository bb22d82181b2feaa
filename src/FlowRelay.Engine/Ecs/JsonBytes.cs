using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Writes JSON straight into a span for the ECS document writers: member names and whole runs of
/// constant members are UTF-8 literals copied in one go, numbers are formatted in place, and the
/// only state kept is whether a comma is due. There is no validation: the caller writes a
/// well-formed document. The span must be large enough (the callers compute an upper bound first;
/// an undersized span throws, it never writes past its end).
/// <para>
/// Strings are escaped exactly as <see cref="Utf8JsonWriter"/> escapes them, with
/// <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> (<see cref="Relaxed"/>, what the outputs
/// use) or with the writer's default encoder: text that neither escapes (printable ASCII but the few
/// characters each escapes) is copied; any other text is escaped by a <see cref="Utf8JsonWriter"/>
/// with that encoder, so the rules are System.Text.Json's own.
/// </para>
/// </summary>
internal ref struct JsonBytes
{
    private readonly Span<byte> _buffer;
    private int _pos;
    private bool _comma;

    public JsonBytes(Span<byte> buffer, bool relaxed)
    {
        _buffer = buffer;
        Relaxed = relaxed;
    }

    /// <summary>True for <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, false for the default encoder.</summary>
    public readonly bool Relaxed { get; }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _pos;

    /// <summary>The most a string of <paramref name="length"/> UTF-16 units (or UTF-8 bytes) takes written: quotes and a six-byte escape per unit.</summary>
    public static int MaxQuoted(int length) => 2 + 6 * length;

    /// <summary>A member name, and whatever follows it that is not a value (<c>"source":{</c>), after a comma when one is due.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Name(scoped ReadOnlySpan<byte> literal)
    {
        if (_comma) _buffer[_pos++] = (byte)',';
        literal.CopyTo(_buffer[_pos..]);
        _pos += literal.Length;
        _comma = false;
    }

    /// <summary>Complete members (or a whole array item), after a comma when one is due.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Members(scoped ReadOnlySpan<byte> literal)
    {
        Name(literal);
        _comma = true;
    }

    /// <summary>A value written as it is (a quoted literal).</summary>
    public void Literal(scoped ReadOnlySpan<byte> value)
    {
        Raw(value);
        _comma = true;
    }

    /// <summary>The comma before an array item written by <see cref="Quoted"/> or <see cref="String(string?)"/>, when one is due (<see cref="Name"/> and <see cref="Members"/> write their own).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Item()
    {
        if (_comma) _buffer[_pos++] = (byte)',';
    }

    /// <summary>Bytes as they are (the rest of a value: closing brackets, quotes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_pos..]);
        _pos += bytes.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Raw(byte b) => _buffer[_pos++] = b;

    /// <summary>Closes an object.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void End()
    {
        _buffer[_pos++] = (byte)'}';
        _comma = true;
    }

    /// <summary>Closes an array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EndArray()
    {
        _buffer[_pos++] = (byte)']';
        _comma = true;
    }

    public void Number(ulong value)
    {
        _pos += AsciiDigits.Write(value, _buffer[_pos..]);
        _comma = true;
    }

    public void Number(long value)
    {
        _pos += value >= 0 ? AsciiDigits.Write((ulong)value, _buffer[_pos..]) : Negative(value, _buffer[_pos..]);
        _comma = true;
    }

    private static int Negative(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int n);
        return n;
    }

    /// <summary>A number written as a string (<c>"12"</c>).</summary>
    public void QuotedDigits(ulong value)
    {
        Span<byte> d = _buffer[_pos..];
        d[0] = (byte)'"';
        int n = AsciiDigits.Write(value, d[1..]);
        d[n + 1] = (byte)'"';
        _pos += n + 2;
        _comma = true;
    }

    /// <summary>Text that needs no escaping (an address, a time), in quotes.</summary>
    public void Quoted(scoped ReadOnlySpan<byte> text)
    {
        Span<byte> d = _buffer[_pos..];
        d[0] = (byte)'"';
        text.CopyTo(d[1..]);
        d[text.Length + 1] = (byte)'"';
        _pos += text.Length + 2;
        _comma = true;
    }

    /// <summary>A string value escaped as <see cref="Utf8JsonWriter.WriteStringValue(string)"/> does (<c>null</c> for null).</summary>
    public void String(string? value)
    {
        if (value is null)
        {
            Raw("null"u8);
        }
        else
        {
            _pos += JsonEscaping.Write(value, _buffer[_pos..], Relaxed);
        }
        _comma = true;
    }

    /// <summary>A string value escaped as <see cref="Utf8JsonWriter.WriteStringValue(ReadOnlySpan{char})"/> does.</summary>
    public void String(scoped ReadOnlySpan<char> value)
    {
        _pos += JsonEscaping.Write(value, _buffer[_pos..], Relaxed);
        _comma = true;
    }

    /// <summary>
    /// <paramref name="thousandths"/> / 1000 as <see cref="Utf8JsonWriter.WriteNumberValue(double)"/> writes that
    /// double: for a whole number of thousandths its shortest round-trip text is the decimal itself
    /// without trailing zeros; anything else (negative zero, fractions, NaN) goes through Utf8JsonWriter.
    /// </summary>
    public void Thousandths(double thousandths)
    {
        if (thousandths >= 0 && thousandths <= 1_000_000_000 && thousandths == Math.Floor(thousandths) && !double.IsNegative(thousandths))
        {
            ulong k = (ulong)thousandths;
            _pos += AsciiDigits.Write(k / 1000, _buffer[_pos..]);
            uint fraction = (uint)(k % 1000);
            if (fraction != 0)
            {
                Span<byte> d = _buffer[_pos..];
                d[0] = (byte)'.';
                d[1] = (byte)('0' + fraction / 100);
                d[2] = (byte)('0' + fraction / 10 % 10);
                d[3] = (byte)('0' + fraction % 10);
                int n = fraction % 100 == 0 ? 2 : fraction % 10 == 0 ? 3 : 4;
                _pos += n;
            }
        }
        else
        {
            _pos += JsonEscaping.WriteNumber(thousandths / 1000, _buffer[_pos..]);
        }
        _comma = true;
    }

    /// <summary>A UTF-8 string value escaped as <see cref="Utf8JsonWriter.WriteStringValue(ReadOnlySpan{byte})"/> does.</summary>
    public void String(scoped ReadOnlySpan<byte> utf8)
    {
        _pos += JsonEscaping.Write(utf8, _buffer[_pos..], Relaxed);
        _comma = true;
    }
}

/// <summary>String values as <see cref="Utf8JsonWriter"/> writes them, quotes included.</summary>
internal static class JsonEscaping
{
    // Printable ASCII the encoder leaves alone. UnsafeRelaxedJsonEscaping escapes only the quote and the
    // backslash of it; the default encoder also the HTML-sensitive < > & ' + and `. JsonEscapingTests
    // checks both sets against Utf8JsonWriter, character by character.
    private const string RelaxedSafe = " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    private const string DefaultSafe = " !#$%()*,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~";

    private static readonly SearchValues<char> RelaxedChars = SearchValues.Create(RelaxedSafe);
    private static readonly SearchValues<char> DefaultChars = SearchValues.Create(DefaultSafe);
    private static readonly SearchValues<byte> RelaxedBytes = SearchValues.Create(Encoding.ASCII.GetBytes(RelaxedSafe));
    private static readonly SearchValues<byte> DefaultBytes = SearchValues.Create(Encoding.ASCII.GetBytes(DefaultSafe));

    /// <summary>Writes <paramref name="value"/> quoted and escaped; returns the bytes written.</summary>
    public static int Write(ReadOnlySpan<char> value, Span<byte> destination, bool relaxed)
    {
        if (value.IndexOfAnyExcept(relaxed ? RelaxedChars : DefaultChars) >= 0) return Escaper.Current.Write(value, destination, relaxed);
        destination[0] = (byte)'"';
        Ascii.FromUtf16(value, destination[1..], out int n);
        destination[n + 1] = (byte)'"';
        return n + 2;
    }

    /// <summary>Writes UTF-8 <paramref name="value"/> quoted and escaped; returns the bytes written.</summary>
    public static int Write(ReadOnlySpan<byte> value, Span<byte> destination, bool relaxed)
    {
        if (value.IndexOfAnyExcept(relaxed ? RelaxedBytes : DefaultBytes) >= 0) return Escaper.Current.Write(value, destination, relaxed);
        destination[0] = (byte)'"';
        value.CopyTo(destination[1..]);
        destination[value.Length + 1] = (byte)'"';
        return value.Length + 2;
    }

    /// <summary>A double as <see cref="Utf8JsonWriter.WriteNumberValue(double)"/> writes it; returns the bytes written.</summary>
    public static int WriteNumber(double value, Span<byte> destination) => Escaper.Current.WriteNumber(value, destination);

    /// <summary>
    /// Text with anything to escape goes through System.Text.Json itself (one writer per thread and
    /// encoder, made once): rare in flow documents (non-ASCII names, quotes), and exact by construction.
    /// </summary>
    private sealed class Escaper
    {
        [ThreadStatic]
        private static Escaper? t_current;

        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private readonly Utf8JsonWriter _relaxed;
        private readonly Utf8JsonWriter _default;

        private Escaper()
        {
            _relaxed = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
            _default = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        }

        public static Escaper Current => t_current ??= new Escaper();

        public int Write(ReadOnlySpan<char> value, Span<byte> destination, bool relaxed)
        {
            Utf8JsonWriter writer = Start(relaxed);
            writer.WriteStringValue(value);
            return Finish(writer, destination);
        }

        public int Write(ReadOnlySpan<byte> value, Span<byte> destination, bool relaxed)
        {
            Utf8JsonWriter writer = Start(relaxed);
            writer.WriteStringValue(value);
            return Finish(writer, destination);
        }

        public int WriteNumber(double value, Span<byte> destination)
        {
            Utf8JsonWriter writer = Start(relaxed: false);
            writer.WriteNumberValue(value);
            return Finish(writer, destination);
        }

        private Utf8JsonWriter Start(bool relaxed)
        {
            _buffer.ResetWrittenCount();
            Utf8JsonWriter writer = relaxed ? _relaxed : _default;
            writer.Reset(_buffer);
            return writer;
        }

        private int Finish(Utf8JsonWriter writer, Span<byte> destination)
        {
            writer.Flush();
            _buffer.WrittenSpan.CopyTo(destination);
            return _buffer.WrittenCount;
        }
    }
}
