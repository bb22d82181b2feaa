using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// What a document writer needs from a JSON writer. A document is written once, as a generic
/// method over this interface, and run with either implementation: <see cref="WriterOut"/>
/// (a <see cref="Utf8JsonWriter"/>, any options) or <see cref="RawOut"/> (UTF-8 bytes straight
/// into a reused buffer, several times faster, for the writer options the outputs use). Both
/// produce the same bytes; tests/FlowRelay.Engine.Tests/Ecs pins them.
/// </summary>
internal interface IJsonOut
{
    void StartObject();
    void StartObject(JsonEncodedText name);
    void EndObject();
    void StartArray(JsonEncodedText name);
    void EndArray();
    void String(JsonEncodedText name, JsonEncodedText value);

    /// <summary>A string property; null is written as JSON null, as <see cref="Utf8JsonWriter"/> does.</summary>
    void String(JsonEncodedText name, string? value);

    void String(JsonEncodedText name, ReadOnlySpan<byte> utf8Value);
    void StringValue(JsonEncodedText value);
    void StringValue(ReadOnlySpan<byte> utf8Value);
    void Number(JsonEncodedText name, long value);
    void Number(JsonEncodedText name, ulong value);
    void Number(JsonEncodedText name, double value);
    void Boolean(JsonEncodedText name, bool value);
}

/// <summary>Forwards to a <see cref="Utf8JsonWriter"/>: for writer options the raw path does not reproduce (indentation, other encoders).</summary>
internal readonly struct WriterOut(Utf8JsonWriter writer) : IJsonOut
{
    public void StartObject() => writer.WriteStartObject();
    public void StartObject(JsonEncodedText name) => writer.WriteStartObject(name);
    public void EndObject() => writer.WriteEndObject();
    public void StartArray(JsonEncodedText name) => writer.WriteStartArray(name);
    public void EndArray() => writer.WriteEndArray();
    public void String(JsonEncodedText name, JsonEncodedText value) => writer.WriteString(name, value);
    public void String(JsonEncodedText name, string? value) => writer.WriteString(name, value);
    public void String(JsonEncodedText name, ReadOnlySpan<byte> utf8Value) => writer.WriteString(name, utf8Value);
    public void StringValue(JsonEncodedText value) => writer.WriteStringValue(value);
    public void StringValue(ReadOnlySpan<byte> utf8Value) => writer.WriteStringValue(utf8Value);
    public void Number(JsonEncodedText name, long value) => writer.WriteNumber(name, value);
    public void Number(JsonEncodedText name, ulong value) => writer.WriteNumber(name, value);
    public void Number(JsonEncodedText name, double value) => writer.WriteNumber(name, value);
    public void Boolean(JsonEncodedText name, bool value) => writer.WriteBoolean(name, value);
}

/// <summary>
/// Writes compact JSON into a per-thread <see cref="RawJsonBuffer"/>; the finished document goes
/// to the caller's writer in one <see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>.
/// Property names are the pre-encoded <see cref="JsonEncodedText"/> bytes, as the writer copies
/// them. A string value is copied when it is ASCII and the writer's encoder would leave every
/// byte alone; otherwise a <see cref="Utf8JsonWriter"/> with the caller's encoder escapes it, so
/// escaping is the writer's own. Numbers use the formatter the writer uses.
/// </summary>
internal readonly struct RawOut(RawJsonBuffer b) : IJsonOut
{
    public void StartObject() => b.Open((byte)'{');

    public void StartObject(JsonEncodedText name)
    {
        b.Name(name);
        b.Byte((byte)'{');
        b.Comma = false;
    }

    public void EndObject() => b.Close((byte)'}');

    public void StartArray(JsonEncodedText name)
    {
        b.Name(name);
        b.Byte((byte)'[');
        b.Comma = false;
    }

    public void EndArray() => b.Close((byte)']');

    public void String(JsonEncodedText name, JsonEncodedText value)
    {
        b.Name(name);
        b.Quoted(value.EncodedUtf8Bytes);
    }

    public void String(JsonEncodedText name, string? value)
    {
        b.Name(name);
        if (value is null) b.Bytes("null"u8);
        else b.Text(value);
    }

    public void String(JsonEncodedText name, ReadOnlySpan<byte> utf8Value)
    {
        b.Name(name);
        b.Utf8Text(utf8Value);
    }

    public void StringValue(JsonEncodedText value)
    {
        b.Separator();
        b.Quoted(value.EncodedUtf8Bytes);
    }

    public void StringValue(ReadOnlySpan<byte> utf8Value)
    {
        b.Separator();
        b.Utf8Text(utf8Value);
    }

    public void Number(JsonEncodedText name, long value)
    {
        b.Name(name);
        b.Formatted(value);
    }

    public void Number(JsonEncodedText name, ulong value)
    {
        b.Name(name);
        b.Formatted(value);
    }

    public void Number(JsonEncodedText name, double value)
    {
        b.Name(name);
        b.Formatted(value);
    }

    public void Boolean(JsonEncodedText name, bool value)
    {
        b.Name(name);
        b.Bytes(value ? "true"u8 : "false"u8);
    }
}

/// <summary>The reused buffer of <see cref="RawOut"/>, one per thread.</summary>
internal sealed class RawJsonBuffer
{
    [ThreadStatic] private static RawJsonBuffer? _current;

    // Bytes the writer's default encoder (Options.Encoder == null) escapes in ASCII text: controls,
    // DEL, and " & ' + < > \ ` (System.Text.Json's JsonWriterHelper allow list).
    private static readonly SearchValues<byte> DefaultEscaped = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(i => (byte)i), 0x7F, (byte)'"', (byte)'&', (byte)'\'', (byte)'+', (byte)'<', (byte)'>', (byte)'\\', (byte)'`']);

    private byte[] _buffer = new byte[16 * 1024];
    private int _position;
    private JavaScriptEncoder? _encoder;
    private Utf8JsonWriter? _escaper;
    private JavaScriptEncoder? _escaperEncoder;
    private readonly ArrayBufferWriter<byte> _escaped = new(1024);

    /// <summary>True when the next member or element needs a comma before it.</summary>
    public bool Comma;

    /// <summary>True when <paramref name="writer"/>'s output can be produced by <see cref="RawOut"/>: compact, and an encoder whose choices it knows.</summary>
    public static bool Supports(Utf8JsonWriter writer)
    {
        var options = writer.Options;
        return !options.Indented && (options.Encoder is null || ReferenceEquals(options.Encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping));
    }

    /// <summary>The calling thread's buffer, emptied and set up for <paramref name="writer"/>'s encoder.</summary>
    public static RawJsonBuffer Begin(Utf8JsonWriter writer)
    {
        var b = _current ??= new RawJsonBuffer();
        b._position = 0;
        b.Comma = false;
        b._encoder = writer.Options.Encoder;
        return b;
    }

    /// <summary>The document written since <see cref="Begin"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Space(int length)
    {
        if (_buffer.Length - _position < length) Grow(length);
        return _buffer.AsSpan(_position);
    }

    private void Grow(int length) => Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _position + length));

    public void Byte(byte value)
    {
        Space(1)[0] = value;
        _position++;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(Space(value.Length));
        _position += value.Length;
    }

    public void Separator()
    {
        if (Comma) Byte((byte)',');
        Comma = true;
    }

    public void Open(byte bracket)
    {
        Separator();
        Byte(bracket);
        Comma = false;
    }

    public void Close(byte bracket)
    {
        Byte(bracket);
        Comma = true;
    }

    /// <summary>A member's name and colon (after a comma when one is due).</summary>
    public void Name(JsonEncodedText name)
    {
        ReadOnlySpan<byte> n = name.EncodedUtf8Bytes;
        var span = Space(n.Length + 4);
        int o = 0;
        if (Comma) span[o++] = (byte)',';
        span[o++] = (byte)'"';
        n.CopyTo(span[o..]);
        o += n.Length;
        span[o++] = (byte)'"';
        span[o++] = (byte)':';
        _position += o;
        Comma = true;
    }

    /// <summary>Already-escaped bytes in quotes.</summary>
    public void Quoted(ReadOnlySpan<byte> escaped)
    {
        var span = Space(escaped.Length + 2);
        span[0] = (byte)'"';
        escaped.CopyTo(span[1..]);
        span[escaped.Length + 1] = (byte)'"';
        _position += escaped.Length + 2;
    }

    public void Text(string value)
    {
        var span = Space(value.Length + 2);
        if (Ascii.FromUtf16(value, span[1..], out int n) == OperationStatus.Done && !NeedsEscaping(span.Slice(1, n)))
        {
            span[0] = (byte)'"';
            span[n + 1] = (byte)'"';
            _position += n + 2;
            return;
        }
        var w = Escaper();
        w.WriteStringValue(value);
        CopyEscaped(w);
    }

    public void Utf8Text(ReadOnlySpan<byte> value)
    {
        if (Ascii.IsValid(value) && !NeedsEscaping(value))
        {
            Quoted(value);
            return;
        }
        var w = Escaper();
        w.WriteStringValue(value);
        CopyEscaped(w);
    }

    public void Formatted(long value)
    {
        Utf8Formatter.TryFormat(value, Space(20), out int n);
        _position += n;
    }

    public void Formatted(ulong value)
    {
        Utf8Formatter.TryFormat(value, Space(20), out int n);
        _position += n;
    }

    public void Formatted(double value)
    {
        if (!double.IsFinite(value))
        {
            // The writer refuses NaN and infinities; let it say so in its own words.
            Escaper().WriteNumberValue(value);
            return;
        }
        Utf8Formatter.TryFormat(value, Space(128), out int n);
        _position += n;
    }

    private bool NeedsEscaping(ReadOnlySpan<byte> ascii) =>
        _encoder is null ? ascii.ContainsAny(DefaultEscaped) : _encoder.FindFirstCharacterToEncodeUtf8(ascii) >= 0;

    /// <summary>A writer with the caller's encoder that escapes one value at a time (rare: non-ASCII or escaped text).</summary>
    private Utf8JsonWriter Escaper()
    {
        if (_escaper is null || !ReferenceEquals(_escaperEncoder, _encoder))
        {
            _escaper = new Utf8JsonWriter(_escaped, new JsonWriterOptions { Encoder = _encoder, SkipValidation = true });
            _escaperEncoder = _encoder;
        }
        _escaped.ResetWrittenCount();
        _escaper.Reset(_escaped);
        return _escaper;
    }

    private void CopyEscaped(Utf8JsonWriter w)
    {
        w.Flush();
        Bytes(_escaped.WrittenSpan);
    }
}
