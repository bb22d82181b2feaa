using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlowRelay.Engine.Ecs;

/// <summary>Writes one document as bytes into <paramref name="output"/>, escaped as UnsafeRelaxedJsonEscaping (<paramref name="relaxed"/>) or the default encoder does.</summary>
internal delegate void DocumentBytes<T>(IBufferWriter<byte> output, in T value, bool relaxed);

/// <summary>
/// Re-writes a JSON document through a <see cref="Utf8JsonWriter"/>, token by token, so the writer's
/// own options (indentation, encoder) apply: strings are unescaped and escaped again by the writer,
/// numbers keep their text. For document writers whose callers ask for options the byte writer does
/// not produce (indented output in tests and tools); never on a hot path.
/// </summary>
internal static class JsonRewriter
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_scratch;

    /// <summary>This thread's buffer for documents handed to a <see cref="Utf8JsonWriter"/> (made once).</summary>
    private static ArrayBufferWriter<byte> Scratch => t_scratch ??= new ArrayBufferWriter<byte>(16 * 1024);

    /// <summary>
    /// Writes a byte writer's document through <paramref name="writer"/> as that writer would have
    /// written it token by token. Unindented with the default encoder or UnsafeRelaxedJsonEscaping
    /// (what every caller uses) the bytes are handed over whole (<see cref="Utf8JsonWriter.WriteRawValue(ReadOnlySpan{byte}, bool)"/>);
    /// with any other options they are re-written token by token (<see cref="Rewrite"/>).
    /// </summary>
    public static void WriteTo<T>(Utf8JsonWriter writer, in T value, DocumentBytes<T> write)
    {
        JsonWriterOptions options = writer.Options;
        bool relaxed = ReferenceEquals(options.Encoder, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        ArrayBufferWriter<byte> scratch = Scratch;
        scratch.ResetWrittenCount();
        if (!options.Indented && (relaxed || options.Encoder is null))
        {
            write(scratch, value, relaxed);
            writer.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
            return;
        }
        write(scratch, value, relaxed: false);
        Rewrite(scratch.WrittenSpan, writer);
    }

    public static void Rewrite(ReadOnlySpan<byte> json, Utf8JsonWriter writer)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    writer.WriteStartObject();
                    break;
                case JsonTokenType.EndObject:
                    writer.WriteEndObject();
                    break;
                case JsonTokenType.StartArray:
                    writer.WriteStartArray();
                    break;
                case JsonTokenType.EndArray:
                    writer.WriteEndArray();
                    break;
                case JsonTokenType.PropertyName:
                    WithText(ref reader, writer, static (w, text) => w.WritePropertyName(text));
                    break;
                case JsonTokenType.String:
                    WithText(ref reader, writer, static (w, text) => w.WriteStringValue(text));
                    break;
                case JsonTokenType.Number:
                    // Integers as integers; anything else (fractions, exponents, the double -0) as the double it is,
                    // which the writer formats back to the same shortest text.
                    bool integer = reader.ValueSpan.IndexOfAny(".eE"u8) < 0 && !reader.ValueSpan.StartsWith("-0"u8);
                    if (integer && reader.TryGetUInt64(out ulong u)) writer.WriteNumberValue(u);
                    else if (integer && reader.TryGetInt64(out long l)) writer.WriteNumberValue(l);
                    else writer.WriteNumberValue(reader.GetDouble());
                    break;
                case JsonTokenType.True:
                    writer.WriteBooleanValue(true);
                    break;
                case JsonTokenType.False:
                    writer.WriteBooleanValue(false);
                    break;
                case JsonTokenType.Null:
                    writer.WriteNullValue();
                    break;
            }
        }
    }

    private delegate void TextWriter(Utf8JsonWriter writer, ReadOnlySpan<byte> text);

    /// <summary>Hands the token's unescaped UTF-8 text to <paramref name="write"/>.</summary>
    private static void WithText(ref Utf8JsonReader reader, Utf8JsonWriter writer, TextWriter write)
    {
        if (!reader.ValueIsEscaped)
        {
            write(writer, reader.ValueSpan);
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            int n = reader.CopyString(rented);
            write(writer, rented.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
